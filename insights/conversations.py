"""Read Rasa's tracker store into plain, already-masked records: one per conversation and message.

Rasa's SQLTrackerStore keeps every event as a row of `events` (sender_id, type_name, timestamp,
data = the event as JSON). Replaying a sender's rows in order is the only way to know what a message
was (a question, or the answer to a form's question) and when the assistant answered it, so that is
done here, once; the rest of the package works on the dataclasses below. Sender ids (a phone number
on WhatsApp) are used only to keep conversations apart and are never copied into a record.
Intents triggered from the clinic's side (a check-in, stored by Rasa as "EXTERNAL: <intent>") are
not patient messages and are skipped.
Plain SQLAlchemy Core, so the same code reads SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from insights.privacy import is_form_answer, mask

EVENTS = sa.table(
    "events", sa.column("id"), sa.column("sender_id"), sa.column("type_name"), sa.column("timestamp"), sa.column("data")
)
SENDERS_PER_QUERY = 200  # keeps the IN (...) list small for any database
EXTERNAL = "EXTERNAL: "  # Rasa's text for an intent triggered by the clinic's side (trigger_intent)
NO_INTENT = "(no intent)"


@dataclass
class UserMessage:
    """One patient message. `text` is masked, and None when it answered a form's question."""

    at: dt.datetime  # aware, UTC
    intent: str
    label: str  # the intent, or the FAQ's full name such as "faq/pain"
    text: str | None
    form_answer: bool
    latency: float | None = None  # seconds until the first bot reply; None if none came


@dataclass
class Conversation:
    """One Rasa session: it starts with the patient's first message after a session start."""

    started: dt.datetime  # aware, UTC
    messages: list[UserMessage] = field(default_factory=list)  # those inside the period only


def read_conversations(url: str, start: dt.datetime, end: dt.datetime, region: str = "GB") -> list[Conversation]:
    """Conversations with a patient message in [start, end); messages outside the period left out.

    A conversation begun before `start` is returned too (its messages in the period count), but
    `Conversation.started` tells the caller whether it began in the period.
    """
    lo, hi = start.timestamp(), end.timestamp()
    engine = sa.create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("events"):
                return []
            senders = sorted(
                row[0]
                for row in conn.execute(
                    sa.select(EVENTS.c.sender_id)
                    .distinct()
                    .where(EVENTS.c.type_name == "user", EVENTS.c.timestamp >= lo, EVENTS.c.timestamp < hi)
                )
            )
            found: list[Conversation] = []
            for first in range(0, len(senders), SENDERS_PER_QUERY):
                rows = conn.execute(
                    sa.select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
                    .where(EVENTS.c.sender_id.in_(senders[first : first + SENDERS_PER_QUERY]))
                    .order_by(EVENTS.c.sender_id, EVENTS.c.id)
                )
                for _, events in itertools.groupby(rows, key=lambda row: row[0]):
                    found.extend(c for c in replay(((r[1], r[2], r[3]) for r in events), lo, hi, region) if c.messages)
            return found
    finally:
        engine.dispose()


def replay(events: Iterable[Sequence[Any]], lo: float, hi: float, region: str = "GB") -> Iterator[Conversation]:
    """One sender's (type_name, timestamp, data) rows, in order, as conversations.

    Tracks the form state (active_loop, requested_slot) the way Rasa's tracker does, to tell
    answers to a form from questions, and pairs each message with the first bot reply after it.
    """
    conversation: Conversation | None = None
    active_loop: str | None = None
    requested_slot: str | None = None
    waiting: UserMessage | None = None
    for type_name, timestamp, raw in events:
        data: dict[str, Any] = _json(raw)
        if type_name == "session_started":
            if conversation is not None:
                yield conversation
            conversation, active_loop, requested_slot, waiting = None, None, None, None
        elif type_name == "restart":
            active_loop, requested_slot, waiting = None, None, None
        elif type_name == "active_loop":
            active_loop = data.get("name")
        elif type_name == "slot" and data.get("name") == "requested_slot":
            requested_slot = data.get("value")
        elif type_name == "bot" and waiting is not None and timestamp is not None:
            waiting.latency = max(0.0, float(timestamp) - waiting.at.timestamp())
            waiting = None
        elif type_name == "user" and str(data.get("text") or "").startswith(EXTERNAL):
            waiting = None  # sent by the clinic's side (a check-in), not typed by the patient
        elif type_name == "user" and timestamp is not None:
            message = _message(data, float(timestamp), is_form_answer(active_loop, requested_slot), region)
            if conversation is None:
                conversation = Conversation(started=message.at)
            waiting = message
            if lo <= float(timestamp) < hi:
                conversation.messages.append(message)
    if conversation is not None:
        yield conversation


def _message(data: dict[str, Any], timestamp: float, form_answer: bool, region: str) -> UserMessage:
    parse = data.get("parse_data") or {}
    intent = (parse.get("intent") or {}).get("name") or NO_INTENT
    return UserMessage(
        at=dt.datetime.fromtimestamp(timestamp, dt.timezone.utc),
        intent=intent,
        label=label_of(parse, intent),
        text=None if form_answer else mask(data.get("text"), region),
        form_answer=form_answer,
    )


def label_of(parse: dict[str, Any], intent: str) -> str:
    """'faq/pain' for a FAQ (the response selector's pick), otherwise the intent's name."""
    full = (parse.get("intent") or {}).get("full_retrieval_intent_name")
    if not full:
        full = ((parse.get("response_selector") or {}).get(intent) or {}).get("response", {}).get("intent_response_key")
    return full if isinstance(full, str) and full.startswith(intent + "/") else intent


def _json(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(raw or "{}")
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}
