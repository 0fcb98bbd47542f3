"""The conversation database's address, and the retention purge of its conversations.

The Rasa server keeps conversations in Rasa's own SQL tracker store (components/tracker_store.py),
at a URL chosen by the environment:
  TRACKER_DB_URL unset  ->  sqlite:///var/conversations.db (nothing to install, survives restarts)
  TRACKER_DB_URL=postgresql+psycopg2://clinic:<password>@db-host/clinic  ->  a PostgreSQL server
The URL and the purge live here, apart from the tracker store class, so that the practitioner's
`purge` and the insights report reach the same database with SQLAlchemy alone: no Rasa server code,
and so they run from the action server's image too.
"""

from __future__ import annotations

import os
import time

DEFAULT_URL = "sqlite:///var/conversations.db"


def tracker_db_url() -> str:
    return os.environ.get("TRACKER_DB_URL", "").strip() or DEFAULT_URL


def purge_conversations(retention_days: int, url: str | None = None, now: float | None = None) -> int:
    """Delete whole conversations whose last event is older than the retention period; returns how many.

    Run by `make bookings ARGS=purge` next to the booking purge, with the profile's data_retention_days.
    Reads the `events` table of Rasa's SQLTrackerStore (sender_id, timestamp) with plain SQL.
    """
    import sqlalchemy as sa

    cutoff = (now if now is not None else time.time()) - retention_days * 86400
    engine = sa.create_engine(url or tracker_db_url())
    try:
        with engine.begin() as conn:
            if not sa.inspect(conn).has_table("events"):
                return 0
            old = [
                row[0]
                for row in conn.execute(
                    sa.text("SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"),
                    {"cutoff": cutoff},
                )
            ]
            for start in range(0, len(old), 500):
                batch = old[start : start + 500]
                conn.execute(
                    sa.text("DELETE FROM events WHERE sender_id IN :ids").bindparams(
                        sa.bindparam("ids", expanding=True)
                    ),
                    {"ids": batch},
                )
        return len(old)
    finally:
        engine.dispose()


def _events_table():
    import sqlalchemy as sa

    return sa.table(
        "events",
        sa.column("id"),
        sa.column("sender_id"),
        sa.column("type_name"),
        sa.column("timestamp"),
        sa.column("data"),
    )


def transcript(sender_id: str, url: str | None = None, limit: int = 500) -> list[dict]:
    """The patient's and the assistant's (or staff's) messages in one conversation, oldest first.

    Each item: {"who": "patient" | "assistant" | "staff", "text", "at" (UTC timestamp), "warning": level or
    None, "buttons": [titles]}. Read with plain SQL like the purge, so the staff app needs no Rasa code.
    """
    import json

    import sqlalchemy as sa

    events = _events_table()
    engine = sa.create_engine(url or tracker_db_url())
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("events"):
                return []
            rows = conn.execute(
                sa.select(events.c.type_name, events.c.timestamp, events.c.data)
                .where(events.c.sender_id == sender_id, events.c.type_name.in_(("user", "bot")))
                .order_by(events.c.id.desc())
                .limit(limit)
            ).all()
    finally:
        engine.dispose()
    lines = []
    for type_name, timestamp, raw in reversed(rows):
        data = json.loads(raw) if isinstance(raw, str) else dict(raw or {})
        text = str(data.get("text") or "")
        if type_name == "user":
            if text.startswith("EXTERNAL_") or not text:
                continue
            found = (data.get("parse_data") or {}).get("warning_sign") or {}
            warning = (found.get("level") or "urgent") if found.get("reported") else None
            lines.append({"who": "patient", "text": text, "at": timestamp, "warning": warning, "buttons": []})
        else:
            payload = data.get("data") or {}
            staff = bool((data.get("metadata") or {}).get("staff"))
            buttons = [str(b.get("title")) for b in payload.get("buttons") or [] if isinstance(b, dict)]
            if text or buttons:
                who = "staff" if staff else "assistant"
                lines.append({"who": who, "text": text, "at": timestamp, "warning": None, "buttons": buttons})
    return lines


def sender_for_key(conversation_key: str, url: str | None = None) -> str | None:
    """The chat id whose SHA-256 a booking request stored (clinic.store.conversation_key), if it still exists."""
    import hashlib

    import sqlalchemy as sa

    events = _events_table()
    engine = sa.create_engine(url or tracker_db_url())
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("events"):
                return None
            for (sender_id,) in conn.execute(sa.select(events.c.sender_id).distinct()):
                if hashlib.sha256(str(sender_id).encode("utf-8")).hexdigest() == conversation_key:
                    return str(sender_id)
    finally:
        engine.dispose()
    return None


def delete_conversation(sender_id: str, url: str | None = None) -> int:
    """Delete one whole conversation ("forget this patient" in the staff app); returns its event count."""
    import sqlalchemy as sa

    events = _events_table()
    engine = sa.create_engine(url or tracker_db_url())
    try:
        with engine.begin() as conn:
            if not sa.inspect(conn).has_table("events"):
                return 0
            return conn.execute(sa.delete(events).where(events.c.sender_id == sender_id)).rowcount or 0
    finally:
        engine.dispose()
