"""Live chats: a patient asked for a person in opening hours, and the staff app shows the chat.

The action server opens one (actions/handoff.py) and flags a warning sign typed meanwhile
(actions/safety.py); the staff app (staff/) lists them, lets a staff member take one, and closes it on
hand-back, on the patient's "back to the bot", or when nobody took it in time (the patient is then
offered a call-back). Rows live in the bookings database (clinic/store.py, LiveChat).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from clinic import store

WAITING, TAKEN, CLOSED = "waiting", "taken", "closed"


@dataclass(frozen=True)
class ChatView:
    """One live chat as the staff app shows it (the sender id only while the chat is open)."""

    id: int
    sender_id: str | None
    channel: str | None
    status: str
    requested_at: dt.datetime
    taken_by: str | None
    taken_at: dt.datetime | None
    closed_at: dt.datetime | None
    closed_how: str | None
    warning_at: dt.datetime | None
    warning_level: str | None


def _view(row: store.LiveChat) -> ChatView:
    return store.view_of(ChatView, row)


def _open_row(db, sender_id: str) -> store.LiveChat | None:
    return db.execute(
        select(store.LiveChat)
        .where(store.LiveChat.sender_id == sender_id, store.LiveChat.status != CLOSED)
        .order_by(store.LiveChat.id.desc())
    ).scalar()


def open_chat(sender_id: str, channel: str | None, url: str | None = None) -> ChatView:
    """The patient asked for a person: a waiting chat (the same one if it is already open)."""
    with store.session(url) as db:
        row = _open_row(db, sender_id)
        if row is None:
            row = store.LiveChat(sender_id=sender_id, channel=channel, status=WAITING, requested_at=store.utcnow())
            db.add(row)
            db.flush()
        return _view(row)


def is_open(sender_id: str, url: str | None = None) -> bool:
    with store.session(url) as db:
        return _open_row(db, sender_id) is not None


def flag_warning(sender_id: str, level: str | None, url: str | None = None) -> bool:
    """A warning sign came in during a live chat: flag it for the staff member; False if no chat is open."""
    with store.session(url) as db:
        row = _open_row(db, sender_id)
        if row is None:
            return False
        row.warning_at = store.utcnow()
        row.warning_level = level or "urgent"
        return True


def get(chat_id: int, url: str | None = None) -> ChatView | None:
    with store.session(url) as db:
        row = db.get(store.LiveChat, chat_id)
        return _view(row) if row else None


def listing(url: str | None = None, closed_limit: int = 20) -> list[ChatView]:
    """Open chats (oldest waiting first), then the most recently closed ones."""
    with store.session(url) as db:
        open_rows = db.execute(
            select(store.LiveChat).where(store.LiveChat.status != CLOSED).order_by(store.LiveChat.requested_at)
        ).scalars()
        closed_rows = db.execute(
            select(store.LiveChat)
            .where(store.LiveChat.status == CLOSED)
            .order_by(store.LiveChat.closed_at.desc())
            .limit(closed_limit)
        ).scalars()
        return [_view(row) for row in [*open_rows, *closed_rows]]


def take(chat_id: int, staff: str, url: str | None = None) -> ChatView | None:
    """A staff member takes a waiting chat; None when it is gone or someone else has it."""
    with store.session(url) as db:
        row = db.get(store.LiveChat, chat_id)
        if row is None or row.status == CLOSED or (row.status == TAKEN and row.taken_by != staff):
            return None
        if row.status == WAITING:
            row.status, row.taken_by, row.taken_at = TAKEN, staff, store.utcnow()
        return _view(row)


def release(chat_id: int, url: str | None = None) -> None:
    """Back to waiting (the patient could not be told that someone took it)."""
    with store.session(url) as db:
        row = db.get(store.LiveChat, chat_id)
        if row is not None and row.status == TAKEN:
            row.status, row.taken_by, row.taken_at = WAITING, None, None


def close(chat_id: int, how: str, url: str | None = None) -> ChatView | None:
    """Close a chat and forget its chat id; None when it was closed already."""
    with store.session(url) as db:
        row = db.get(store.LiveChat, chat_id)
        if row is None or row.status == CLOSED:
            return None
        view = _view(row)
        row.status, row.closed_at, row.closed_how, row.sender_id = CLOSED, store.utcnow(), how, None
        return view


def close_for_sender(sender_id: str, how: str, url: str | None = None) -> ChatView | None:
    """The patient ended it ("back to the bot"): close their open chat, if any."""
    with store.session(url) as db:
        row = _open_row(db, sender_id)
        chat_id = row.id if row else None
    return close(chat_id, how, url) if chat_id is not None else None


def waiting_too_long(wait: dt.timedelta, url: str | None = None, now: dt.datetime | None = None) -> list[ChatView]:
    """Waiting chats nobody took within `wait`, oldest first."""
    cutoff = (now or store.utcnow()) - wait
    with store.session(url) as db:
        rows = db.execute(
            select(store.LiveChat)
            .where(store.LiveChat.status == WAITING, store.LiveChat.requested_at < cutoff)
            .order_by(store.LiveChat.requested_at)
        ).scalars()
        return [_view(row) for row in rows]


def forget_sender(db, sender_id: str) -> int:
    """Delete a patient's live chats (\"forget this patient\"); returns how many."""
    rows = db.execute(select(store.LiveChat).where(store.LiveChat.sender_id == sender_id)).scalars().all()
    for row in rows:
        db.delete(row)
    return len(rows)
