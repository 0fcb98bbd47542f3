"""'Forget me' and retention: what is deleted, and that nothing else is."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import select

from actions import privacy
from clinic import booking_requests, store
from clinic.profile import profile
from tests.harness.trackers import make_tracker, run_action, texts


def _request(sender_id, name="Sam Taylor"):
    return booking_requests.create_request(
        profile(), booking_requests.NewRequest(kind="callback", name=name, contact="+442079460123", sender_id=sender_id)
    )


def test_forget_me_deletes_this_chats_requests_and_keeps_everyone_elses(bookings_db):
    _request("patient-1")
    _request("patient-1")
    kept = _request("someone-else", name="Alex Jones")
    messages, _ = run_action(privacy.ActionForgetMe(), make_tracker("delete my data", "forget_me"))
    assert "deleted this conversation and the 2 booking requests" in texts(messages)
    with store.session(bookings_db) as db:
        left = db.execute(select(store.BookingRequest)).scalars().all()
        assert [r.reference for r in left] == [kept.reference]
        emails = db.execute(select(store.OutboxEmail)).scalars().all()
        assert emails and {e.request_id for e in emails} == {left[0].id}  # their e-mails went too


def test_the_chat_id_is_stored_only_as_a_hash(bookings_db):
    _request("whatsapp:+447700900123")
    with store.session(bookings_db) as db:
        row = db.execute(select(store.BookingRequest)).scalar_one()
        assert "447700900123" not in (row.conversation_key or "") and len(row.conversation_key) == 64


def _tracker_store(tmp_path, monkeypatch):
    from rasa.shared.core.domain import Domain

    from components.tracker_store import ClinicTrackerStore

    monkeypatch.setenv("TRACKER_DB_URL", f"sqlite:///{tmp_path / 'conversations.db'}")
    return ClinicTrackerStore(Domain.from_path("domain.yml"))


def _conversation(sender, *extra, when=None):
    from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    stamp = when or time.time()
    events = [
        ActionExecuted("action_session_start", timestamp=stamp),
        SessionStarted(timestamp=stamp),
        ActionExecuted("action_listen", timestamp=stamp),
        UserUttered("hello", {"name": "greet", "confidence": 1.0}, timestamp=stamp),
        *extra,
    ]
    return DialogueStateTracker.from_events(sender, events)


def test_the_conversation_is_deleted_right_after_forget_me(tmp_path, monkeypatch):
    from rasa.shared.core.events import ActionExecuted, UserUttered

    trackers = _tracker_store(tmp_path, monkeypatch)
    asyncio.run(trackers.save(_conversation("keep-me")))
    asyncio.run(trackers.save(_conversation("forget-me")))
    assert asyncio.run(trackers.retrieve("forget-me")) is not None
    asyncio.run(
        trackers.save(
            _conversation(
                "forget-me",
                UserUttered("delete my data", {"name": "forget_me", "confidence": 1.0}),
                ActionExecuted("action_forget_me"),
            )
        )
    )
    assert asyncio.run(trackers.retrieve("forget-me")) is None
    assert asyncio.run(trackers.retrieve("keep-me")) is not None


def test_purge_deletes_only_conversations_older_than_the_retention_period(tmp_path, monkeypatch):
    from clinic.tracker_db import purge_conversations

    trackers = _tracker_store(tmp_path, monkeypatch)
    now = time.time()
    asyncio.run(trackers.save(_conversation("last-year", when=now - 365 * 86400)))
    asyncio.run(trackers.save(_conversation("last-week", when=now - 7 * 86400)))
    assert purge_conversations(180, now=now) == 1
    assert asyncio.run(trackers.retrieve("last-year")) is None
    assert asyncio.run(trackers.retrieve("last-week")) is not None
