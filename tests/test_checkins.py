"""Post-treatment check-ins: scheduled in the clinic's hours, sent exactly once, never after "stop".

Unit tests with an injected clock and a fresh SQLite bookings database; the delivery is a recorder in
place of Rasa. The path through the real servers and the Telegram stand-in is in
tests/test_e2e_checkins.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
import requests as http
from sqlalchemy import select

from clinic import checkins, store
from clinic.profile import DEFAULT_PATH, ProfileError, load_profile, profile
from tests.harness.conversations import booking_row

CHAT = "70001"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc)


def new_request(reference: str = "BR-CHECK2", chat: str = CHAT, status: str = store.PENDING) -> None:
    with store.session() as db:
        db.add(booking_row(reference=reference, status=status, conversation_key=store.conversation_key(chat)))


class Recorder:
    def __init__(self, fail_with=None):
        self.sent, self.fail_with, self.days_since = [], fail_with, []

    def __call__(self, due: checkins.Due) -> None:
        if self.fail_with:
            raise self.fail_with
        self.sent.append((due.chat_id, due.channel, due.after_days, due.treated_on))
        self.days_since.append(due.days_since)  # what "It's been N days" says


def treated(bookings_db, reference="BR-CHECK2", chat=CHAT, on="2026-11-24", channel="telegram") -> None:
    new_request(reference, chat)
    assert checkins.opt_in(chat, channel, profile()) == reference
    assert "2 check-in(s) scheduled" in checkins.mark_treated(reference, dt.date.fromisoformat(on), profile())


def test_check_ins_fall_on_the_profiles_days_at_the_start_of_the_local_window(bookings_db):
    treated(bookings_db)
    with store.session() as db:
        due = [(c.after_days, str(c.due_at)) for c in db.execute(select(store.CheckIn)).scalars()]
    # London is on UTC in winter: day 2 and day 21 after 24 November, at 10:00.
    assert sorted(due) == [(2, "2026-11-26 10:00:00"), (21, "2026-12-15 10:00:00")]


def test_each_check_in_goes_once_on_its_day_and_only_inside_the_sending_hours(bookings_db):
    treated(bookings_db)
    deliver = Recorder()
    assert checkins.send_due(profile(), at("2026-11-25T11:00"), deliver) == []  # day 1: not due
    assert checkins.send_due(profile(), at("2026-11-26T09:30"), deliver) == []  # due at 10:00
    assert len(checkins.send_due(profile(), at("2026-11-26T11:00"), deliver)) == 1
    assert checkins.send_due(profile(), at("2026-11-26T11:05"), deliver) == []  # never twice
    assert checkins.send_due(profile(), at("2026-12-15T03:00"), deliver) == []  # night: waits
    assert len(checkins.send_due(profile(), at("2026-12-15T10:30"), deliver)) == 1
    assert deliver.sent == [(CHAT, "telegram", 2, dt.date(2026, 11, 24)), (CHAT, "telegram", 21, dt.date(2026, 11, 24))]


def test_a_missed_window_is_caught_up_the_next_day_within_the_hours(bookings_db):
    treated(bookings_db)
    deliver = Recorder()
    assert checkins.send_due(profile(), at("2026-11-26T20:00"), deliver) == []  # scheduler was down all day
    assert len(checkins.send_due(profile(), at("2026-11-27T10:01"), deliver)) == 1
    assert deliver.days_since == [3]  # "It's been 3 days", the truth, not the planned 2


def test_a_check_in_overtaken_by_the_next_one_is_not_sent_as_well(bookings_db):
    treated(bookings_db)
    deliver = Recorder()  # the scheduler was down from day 1 to day 21: one message, not two at once
    assert len(checkins.send_due(profile(), at("2026-12-15T11:00"), deliver)) == 1
    assert deliver.sent == [(CHAT, "telegram", 21, dt.date(2026, 11, 24))] and deliver.days_since == [21]
    with store.session() as db:
        notes = {c.after_days: (c.status, c.note) for c in db.execute(select(store.CheckIn)).scalars()}
    assert notes[2] == ("skipped", "overtaken by the day-21 check-in")


def test_a_yes_weeks_after_the_treatment_sends_nothing_out_of_its_moment(bookings_db):
    treated(bookings_db, on="2026-10-01")  # day 21 was 22 October; the scheduler runs on 30 November
    deliver = Recorder()
    assert checkins.send_due(profile(), at("2026-11-30T11:00"), deliver) == []
    with store.session() as db:
        notes = sorted((c.after_days, c.status, c.note) for c in db.execute(select(store.CheckIn)).scalars())
    assert notes == [(2, "skipped", "overtaken by the day-21 check-in"), (21, "skipped", "39 days late")]
    assert checkins.send_due(profile(), at("2026-12-01T11:00"), deliver) == [] and deliver.sent == []


def test_stop_check_ins_drops_the_rest(bookings_db):
    treated(bookings_db)
    deliver = Recorder()
    checkins.send_due(profile(), at("2026-11-26T11:00"), deliver)
    assert checkins.opt_out(CHAT) == 1
    assert checkins.send_due(profile(), at("2026-12-15T11:00"), deliver) == []
    assert len(deliver.sent) == 1
    with store.session() as db:
        request = store.find_request(db, "BR-CHECK2")
        assert request.checkin_chat_id is None and request.checkin_consent is False


def test_a_cancelled_booking_gets_no_check_in(bookings_db):
    treated(bookings_db)
    with store.session() as db:
        store.find_request(db, "BR-CHECK2").status = store.CANCELLED
    deliver = Recorder()
    assert checkins.send_due(profile(), at("2026-11-26T11:00"), deliver) == []
    with store.session() as db:
        assert {c.note for c in db.execute(select(store.CheckIn)).scalars() if c.after_days == 2} == {
            "request cancelled"
        }


def test_without_a_yes_nothing_is_scheduled_and_the_website_chat_cannot_opt_in(bookings_db):
    new_request()
    assert checkins.opt_in(CHAT, "socketio", profile()) is None
    line = checkins.mark_treated("BR-CHECK2", dt.date(2026, 11, 24), profile())
    assert "has not asked for check-ins" in line
    with store.session() as db:
        assert db.execute(select(store.CheckIn)).first() is None


def test_rasa_unreachable_is_retried_and_an_unclear_failure_is_never_resent(bookings_db):
    treated(bookings_db)
    assert checkins.send_due(profile(), at("2026-11-26T11:00"), Recorder(http.ConnectionError())) == []
    assert len(checkins.send_due(profile(), at("2026-11-26T11:10"), Recorder())) == 1  # retried
    assert checkins.send_due(profile(), at("2026-12-15T11:00"), Recorder(http.ReadTimeout())) == []
    assert checkins.send_due(profile(), at("2026-12-15T11:10"), Recorder()) == []  # may have gone: not again


def test_a_crash_after_claiming_never_sends_twice_after_the_restart(bookings_db):
    treated(bookings_db)
    claimed = checkins.claim_due(profile(), at("2026-11-26T11:00"))  # ... and the process dies here
    assert len(claimed) == 1
    assert checkins.send_due(profile(), at("2026-11-26T11:05"), Recorder()) == []
    with store.session() as db:
        assert [c.status for c in db.execute(select(store.CheckIn)).scalars() if c.after_days == 2] == ["sending"]


def test_forget_me_deletes_the_check_ins_too(bookings_db):
    treated(bookings_db)
    with store.session() as db:
        store.forget_conversation(db, CHAT)
    with store.session() as db:
        assert db.execute(select(store.CheckIn)).first() is None


def test_the_profile_rejects_impossible_check_in_days(tmp_path):
    text = DEFAULT_PATH.read_text()
    bad = tmp_path / "clinic.yml"
    bad.write_text(text.replace("after_days: [2, 21]", "after_days: [0, 200]"))
    with pytest.raises(ProfileError, match="checkins.after_days"):
        load_profile(bad)


# ---- The chat side (actions/checkin_chat.py): what the patient reads ----


def chat_tracker(intent: str = "checkin_fine", channel: str = "telegram", slots=None, sender: str = CHAT):
    from rasa_sdk import Tracker

    return Tracker(
        sender_id=sender,
        slots=slots or {},
        latest_message={"intent": {"name": intent}, "text": ""},
        events=[{"event": "user", "text": "", "input_channel": channel, "parse_data": {"intent": {"name": intent}}}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run_action(action, tracker):
    import asyncio

    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


CHECKIN = {"checkin_day": "21", "treated_on": "2026-11-24"}


def test_the_check_in_question_names_the_day_and_offers_three_quick_replies():
    from actions.checkin_chat import ActionCheckin

    (question, hint), _ = run_action(ActionCheckin(), chat_tracker("EXTERNAL_checkin", slots=CHECKIN))
    assert "21 days since your mesotherapy session on Tuesday 24 November" in question["text"]
    assert [(b["title"], b["payload"]) for b in question["buttons"]] == [
        ("All fine", "/checkin_fine"),
        ("Some redness", "/checkin_redness"),
        ("Something worries me", "/report_adverse_reaction"),
    ]
    assert "stop check-ins" in hint["text"]


def test_all_fine_gets_the_reminders_for_that_stage_and_redness_gets_the_call_and_the_warning_signs():
    from actions.checkin_chat import ActionCheckinReply

    messages, _ = run_action(ActionCheckinReply(), chat_tracker("checkin_fine", slots=CHECKIN))
    assert messages[0]["text"].startswith("Good to hear")
    assert "21 days ago" in messages[1]["text"]
    messages, _ = run_action(ActionCheckinReply(), chat_tracker("affirm", slots=CHECKIN))  # a typed "yes"
    assert messages[0]["text"].startswith("Good to hear")
    messages, _ = run_action(ActionCheckinReply(), chat_tracker("checkin_redness", slots=CHECKIN))
    assert profile().phone in messages[0]["text"] and "Tuesday 24 November" in messages[0]["text"]
    assert profile().urgent_phone in messages[1]["text"] and "pus" in messages[1]["text"]


def test_redness_without_a_check_in_still_gets_the_warning_signs_and_fine_gets_the_clinic_phone():
    from actions.checkin_chat import ActionCheckinReply

    messages, _ = run_action(ActionCheckinReply(), chat_tracker("checkin_redness"))
    assert "mesotherapy on" not in messages[0]["text"] and profile().phone in messages[0]["text"]
    assert profile().urgent_phone in messages[1]["text"]
    messages, _ = run_action(ActionCheckinReply(), chat_tracker("checkin_fine"))
    assert [m["response"] for m in messages] == ["utter_checkin_unknown"]


def test_asking_for_check_ins_in_chat_stores_the_consent_and_stop_removes_it(bookings_db):
    from actions.checkin_chat import ActionStartCheckins, ActionStopCheckins

    new_request()
    (reply,), _ = run_action(ActionStartCheckins(), chat_tracker("start_checkins"))
    assert "2 days and 21 days after it" in reply["text"]
    with store.session() as db:
        request = db.execute(select(store.BookingRequest)).scalar_one()
        assert (request.checkin_consent, request.checkin_channel, request.checkin_chat_id) == (True, "telegram", CHAT)
    (reply,), _ = run_action(ActionStopCheckins(), chat_tracker("stop_checkins"))
    assert "no more check-ins" in reply["text"]
    with store.session() as db:
        request = db.execute(select(store.BookingRequest)).scalar_one()
        assert not request.checkin_consent and request.checkin_chat_id is None


def test_check_ins_cannot_be_asked_for_on_the_website_or_without_a_booking(bookings_db):
    from actions.checkin_chat import ActionStartCheckins

    (reply,), _ = run_action(ActionStartCheckins(), chat_tracker("start_checkins", channel="socketio"))
    assert "Telegram or WhatsApp" in reply["text"]
    (reply,), _ = run_action(ActionStartCheckins(), chat_tracker("start_checkins"))
    assert "couldn't find a booking request from this chat" in reply["text"]
