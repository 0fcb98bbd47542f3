"""The library behind the staff app: live chats, "forget this patient", the purge, staff accounts.

Unit tests on a fresh SQLite database each (the bookings_db fixture); the app itself is tried against
the real server in tests/test_staff_security.py and in a browser in tests/test_staff_browser.py.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess

import pytest

from clinic import booking_requests, live_chats, store, tracker_db
from clinic.profile import load_profile
from tests.harness.paths import ROOT, VENV_BIN


def test_a_chat_waits_is_taken_by_one_staff_member_and_forgets_its_chat_id_when_closed(bookings_db):
    chat = live_chats.open_chat("web-1", "socketio")
    assert live_chats.open_chat("web-1", "socketio").id == chat.id  # asking twice: the same chat
    assert live_chats.take(chat.id, "nurse@clinic").status == live_chats.TAKEN
    assert live_chats.take(chat.id, "lead@clinic") is None  # someone else has it
    assert live_chats.take(chat.id, "nurse@clinic") is not None  # the same person again: fine
    closed = live_chats.close(chat.id, "handed_back")
    assert closed.sender_id == "web-1" and live_chats.close(chat.id, "handed_back") is None
    [row] = live_chats.listing()
    assert row.status == "closed" and row.sender_id is None and row.closed_how == "handed_back"
    assert live_chats.open_chat("web-1", "socketio").id != chat.id  # a new request is a new chat


def test_only_chats_nobody_took_in_time_are_due_a_call_back_offer(bookings_db):
    waiting = live_chats.open_chat("web-1", "socketio")
    taken = live_chats.open_chat("tg-2", "telegram")
    live_chats.take(taken.id, "nurse@clinic")
    later = store.utcnow() + dt.timedelta(minutes=4)
    assert [c.id for c in live_chats.waiting_too_long(dt.timedelta(minutes=3), now=later)] == [waiting.id]
    assert live_chats.waiting_too_long(dt.timedelta(minutes=3)) == []


def test_a_warning_sign_flags_only_an_open_chat(bookings_db):
    assert live_chats.flag_warning("web-1", "urgent") is False
    live_chats.open_chat("web-1", "socketio")
    assert live_chats.flag_warning("web-1", None) is True
    [chat] = live_chats.listing()
    assert chat.warning_level == "urgent" and chat.warning_at is not None


def _tracker_db(path, sender: str, texts: list[str]) -> str:
    """A conversation store with the columns of Rasa's SQLTrackerStore that the library reads."""
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, timestamp REAL,"
        " intent_name TEXT, action_name TEXT, data TEXT)"
    )
    for n, text in enumerate(texts):
        kind = "user" if n % 2 == 0 else "bot"
        data = {"event": kind, "text": text}
        if text.startswith("lips"):
            data["parse_data"] = {"warning_sign": {"reported": True, "level": "emergency"}}
        db.execute(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
            (sender, kind, 1764000000.0 + n, json.dumps(data)),
        )
    db.execute(
        "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'bot', 1764000100, ?)",
        (sender, json.dumps({"event": "bot", "text": "Hello from the nurse", "metadata": {"staff": "nurse@clinic"}})),
    )
    db.commit()
    db.close()
    return f"sqlite:///{path}"


def test_the_transcript_marks_warning_signs_and_staff_messages(tmp_path):
    url = _tracker_db(tmp_path / "c.db", "web-1", ["hello", "Hi!", "lips are swelling", "Call 999 now"])
    lines = tracker_db.transcript("web-1", url)
    assert [line["who"] for line in lines] == ["patient", "assistant", "patient", "assistant", "staff"]
    assert lines[2]["warning"] == "emergency" and lines[0]["warning"] is None
    assert tracker_db.sender_for_key(store.conversation_key("web-1"), url) == "web-1"
    assert tracker_db.sender_for_key(store.conversation_key("someone-else"), url) is None


def test_forget_this_patient_deletes_their_requests_chats_and_conversation(bookings_db, tmp_path):
    tracker_url = _tracker_db(tmp_path / "c.db", "web-1", ["I'd like to book", "Sure"])
    clinic = load_profile()
    new = booking_requests.NewRequest("callback", "Sam Taylor", "+442079460123", sender_id="web-1")
    first = booking_requests.create_request(clinic, new)
    second = booking_requests.create_request(clinic, new)
    other = booking_requests.create_request(
        clinic, booking_requests.NewRequest("callback", "Alex Morgan", "+442079460456", sender_id="web-2")
    )
    live_chats.open_chat("web-1", "socketio")
    purged = booking_requests.forget_patient(first.reference, tracker_url=tracker_url)
    assert purged == booking_requests.Purged(requests=2, conversations=1)
    with store.session() as db:
        assert store.find_request(db, second.reference) is None
        assert store.find_request(db, other.reference) is not None
    assert live_chats.listing() == [] and tracker_db.transcript("web-1", tracker_url) == []
    assert booking_requests.forget_patient(first.reference, tracker_url=tracker_url) is None


def test_staff_accounts_hash_passwords_and_sessions_end(bookings_db):
    from staff import accounts

    staff = accounts.add_user("Nurse@Clinic", "practitioner", "a long enough password")
    assert staff.email == "nurse@clinic" and not staff.is_admin
    assert accounts.check_password("nurse@clinic", "wrong password!!") is None
    assert accounts.check_password("nobody@clinic", "a long enough password") is None
    assert accounts.check_password("nurse@clinic", "a long enough password") == staff
    token = accounts.start_session(staff)
    assert accounts.session_user(token, dt.timedelta(minutes=30)) == staff
    assert accounts.session_user(token, dt.timedelta(seconds=-1)) is None  # timed out, and removed
    assert accounts.session_user(token, dt.timedelta(minutes=30)) is None
    again = accounts.start_session(staff)
    accounts.end_session(again)
    assert accounts.session_user(again, dt.timedelta(minutes=30)) is None


@pytest.mark.parametrize("password", ["", "short"])
def test_make_staff_refuses_a_missing_or_short_password(bookings_db, password):
    out = subprocess.run(
        [str(VENV_BIN / "python"), "-m", "staff.cli", "add", "lead@clinic", "--role", "admin"],
        cwd=ROOT,
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2 and "at least 12 characters" in out.stderr


class FakeRasa:
    """Records what the staff app asks Rasa's HTTP API to do; fails every call when `down`."""

    def __init__(self, down: bool = False) -> None:
        self.calls: list[tuple] = []
        self.down = down

    def _record(self, *call) -> None:
        from staff.rasa_api import RasaUnavailable

        if self.down:
            raise RasaUnavailable("Rasa server not reachable (ConnectionError)")
        self.calls.append(call)

    def say(self, sender_id, text, staff=None, buttons=None):
        self._record("say", sender_id, text, staff)

    def set_slots(self, sender_id, **slots):
        self._record("slots", sender_id, slots)

    def execute(self, sender_id, action):
        self._record("execute", sender_id, action)


def test_taking_talking_and_handing_back_reach_the_patient_through_rasa(bookings_db):
    from staff import live

    clinic = load_profile()
    rasa = FakeRasa()
    chat = live_chats.open_chat("web-1", "socketio")
    with pytest.raises(live.ChatError):
        live.send(rasa, chat.id, "nurse@clinic", "hello")  # not taken yet
    live.take(rasa, clinic, chat.id, "nurse@clinic")
    assert rasa.calls[0] == ("slots", "web-1", {"handoff_active": True})
    assert rasa.calls[1][0] == "say" and "has joined the chat" in rasa.calls[1][2]
    live.send(rasa, chat.id, "nurse@clinic", "  Hello Sam  ")
    assert rasa.calls[2] == ("say", "web-1", "Hello Sam", "nurse@clinic")
    with pytest.raises(live.ChatError):
        live.send(rasa, chat.id, "lead@clinic", "me too")  # only whoever took it
    live.hand_back(rasa, chat.id, "nurse@clinic")
    assert rasa.calls[3] == ("execute", "web-1", "action_resume_bot")
    assert live_chats.get(chat.id).status == "closed"


def test_when_rasa_is_down_a_taken_chat_goes_back_to_waiting(bookings_db):
    from staff import live
    from staff.rasa_api import RasaUnavailable

    chat = live_chats.open_chat("web-1", "socketio")
    with pytest.raises(RasaUnavailable):
        live.take(FakeRasa(down=True), load_profile(), chat.id, "nurse@clinic")
    assert live_chats.get(chat.id).status == "waiting"


def test_a_chat_nobody_took_gets_the_call_back_form(bookings_db, monkeypatch):
    from staff import live

    clinic = load_profile()
    rasa = FakeRasa()
    live_chats.open_chat("web-1", "socketio")
    assert live.offer_callbacks(rasa, clinic) == 0  # not yet
    later = store.utcnow() + dt.timedelta(minutes=clinic.handoff.wait_minutes + 1)
    monkeypatch.setattr(store, "utcnow", lambda: later)
    assert live.offer_callbacks(rasa, clinic) == 1
    assert rasa.calls[0] == ("slots", "web-1", {"handoff_active": False, "request_kind": "callback"})
    assert "nobody from the team is free" in rasa.calls[1][2]
    assert rasa.calls[2] == ("execute", "web-1", "booking_form")
    [chat] = live_chats.listing()
    assert chat.closed_how == "callback_offered"


def test_the_staff_app_loads_without_rasa(tmp_path):
    """It runs from the action server's image, which has no Rasa (tests/test_library_layout.py)."""
    script = (
        "import sys\n"
        "class NoRasa:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('rasa', 'rasa_sdk', 'tensorflow', 'components', 'actions'):\n"
        "            raise ImportError(name)\n"
        "sys.meta_path.insert(0, NoRasa())\n"
        "from staff.app import create_app\n"
        "app = create_app()\n"
        "assert app.test_client().get('/requests').status_code == 302\n"
        "print('staff ok')\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "BOOKINGS_DB_URL": f"sqlite:///{tmp_path / 'b.db'}",
        "STAFF_SECRET_KEY": "test",
    }
    out = subprocess.run(
        [str(VENV_BIN / "python"), "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0 and "staff ok" in out.stdout, out.stderr[-2000:]


def test_forget_me_in_the_chat_also_removes_its_live_chat(bookings_db):
    from actions.privacy import _forget

    live_chats.open_chat("web-1", "socketio")
    live_chats.open_chat("web-2", "socketio")
    _forget("web-1")
    assert [chat.sender_id for chat in live_chats.listing()] == ["web-2"]
