"""What patients send in more than one test or benchmark, and readers of what comes back.

BOOKING is the booking conversation from "I'd like to book" to the confirmation, each message with
what the reply to it must contain, on a day the clinic is open (TUESDAY_TEN in servers.py): Friday at
10am is then Friday 27 November.
"""

from __future__ import annotations

import re
import time
from typing import Any

from sqlalchemy import create_engine, text

from clinic import store
from tests.harness.paths import SAFETY_CASES, load_yaml

BOOKING = [
    ("I'd like to book an appointment", "Is that OK?"),
    ("yes that's fine", "What name"),
    ("Sam Taylor", "phone number or e-mail"),
    ("020 7946 0123", "Which day and time"),
    ("friday at 10am", "What would you like the visit to be for"),
    ("fine lines on my forehead", "first visit"),
    ("first visit", "Name: Sam Taylor"),
    ("/affirm", "BR-"),
]
# A whole conversation for load: a greeting, three FAQ questions, then a complete booking.
QUESTIONS_THEN_BOOKING = [
    "hello",
    "what is mesotherapy?",
    "does it hurt?",
    "how many sessions will I need?",
    *(message for message, _ in BOOKING),
]
UNCLEAR_THEN_THANKS = ["and the thing with my friend", "thanks a lot"]
# Airway signs, an emergency (tests/safety_cases.yml): the warning-sign check must read them so
# (tests/test_warning_signs.py) and the urgent-care action must send the patient to the emergency services
# (tests/test_care_info_safety.py).
AIRWAY_SIGNS: list[str] = load_yaml(SAFETY_CASES)["airway"]


def telegram_update(update_id: int, chat_id: int, text: str, chat_name: str | None = "Sam") -> dict[str, Any]:
    """A text message from the patient Sam in a private chat, as Telegram posts it to the webhook.
    `chat_name`: the chat's first_name, where the update carries one."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "text": text,
            "chat": {"id": chat_id, "type": "private", **({"first_name": chat_name} if chat_name else {})},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Sam"},
        },
    }


def said(replies: list[dict[str, Any]]) -> str:
    """The text of the bot's replies, one a line."""
    return "\n".join(r.get("text", "") for r in replies)


def say(servers, patient: str, message: str) -> str:
    return said(servers.send(patient, message))


def reference_in(reply: str) -> str:
    return re.search(r"BR-[A-Z0-9]{6}", reply).group(0)


def to_summary(servers, patient: str) -> None:
    """A booking conversation up to the summary with Confirm / Change / Cancel."""
    assert "Is that OK?" in say(servers, patient, "I'd like to book an appointment")
    assert "What name" in say(servers, patient, "yes that's fine")
    assert "phone number or e-mail" in say(servers, patient, "Sam Taylor")
    assert "Which day and time" in say(servers, patient, "020 7946 0123")
    assert "What would you like the visit to be for" in say(servers, patient, "friday at 10am")
    assert "first visit" in say(servers, patient, "fine lines on my forehead")
    summary = say(servers, patient, "first visit")
    assert "Name: Sam Taylor" in summary and "Friday 27 November at 10am" in summary


def book(servers, patient: str) -> str:
    """A whole booking conversation; returns the bot's last reply."""
    to_summary(servers, patient)
    return say(servers, patient, "/affirm")


def rows(db_url: str, sql: str, **params) -> list[dict]:
    engine = create_engine(db_url, future=True)
    try:
        with engine.connect() as connection:
            return [dict(r._mapping) for r in connection.execute(text(sql), params)]
    finally:
        engine.dispose()


def booking_row(**columns: Any) -> store.BookingRequest:
    """A stored booking request for a test to add: a patient with a phone number, for the nurse, unless
    `columns` say otherwise."""
    return store.BookingRequest(
        **{
            "name": "Test Patient",
            "contact": "+447700900123",
            "contact_kind": "phone",
            "practitioner_role": "nurse",
            "practitioner_email": "nurse@example.org",
            **columns,
        }
    )
