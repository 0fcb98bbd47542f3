"""Where booking and callback requests live: a SQL database through SQLAlchemy.

SQLite in var/bookings.db by default, so a clinic can try the assistant with nothing to install;
set BOOKINGS_DB_URL (e.g. postgresql+psycopg2://clinic:<password>@host/clinic) to use a real server. Only
what a request needs is stored: name, one contact, preferred time, what it is for, first visit.
Rows are purged after the profile's data_retention_days (see `purge_expired`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, declarative_base, relationship, sessionmaker

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

DB_ENV = "BOOKINGS_DB_URL"
DEFAULT_DB = Path(__file__).resolve().parent.parent / "var" / "bookings.db"
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: easy to read out on the phone
REFERENCE_PREFIX = "BR-"

# Request statuses, as the practitioner sets them and the patient sees them.
PENDING, CONFIRMED, DECLINED, CANCELLED = "pending", "confirmed", "declined", "cancelled"
STATUSES = (PENDING, CONFIRMED, DECLINED, CANCELLED)

Base: Any = declarative_base()  # SQLAlchemy 1.4 has no type hints: its classes are Any to mypy
View = TypeVar("View", bound="DataclassInstance")


def view_of(view: type[View], row: Any) -> View:
    """A frozen dataclass `view` filled from the row's columns of the same names: a row is live only inside its
    session, a view can leave it."""
    return view(**{field.name: getattr(row, field.name) for field in dataclasses.fields(view)})


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class BookingRequest(Base):
    """One patient's request for an appointment (kind "booking") or a phone call back ("callback")."""

    __tablename__ = "booking_requests"
    id = Column(Integer, primary_key=True)
    reference = Column(String(16), unique=True, nullable=False, index=True)
    kind = Column(String(16), nullable=False, default="booking")
    status = Column(String(16), nullable=False, default=PENDING, index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)  # UTC
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    name = Column(String(80), nullable=False)
    contact = Column(String(254), nullable=False)  # E.164 phone number or normalised e-mail
    contact_kind = Column(String(8), nullable=False)  # "phone" or "email"
    preferred_start = Column(DateTime)  # UTC, earliest acceptable start
    preferred_text = Column(String(120))  # as shown to the patient, clinic-local
    concern = Column(Text)
    first_visit = Column(Boolean)
    practitioner_role = Column(String(80), nullable=False)
    practitioner_email = Column(String(254), nullable=False)
    clinic_note = Column(Text)  # what the practitioner adds when confirming or declining
    # SHA-256 of the chat's conversation id, so "forget me" in that chat finds its requests
    conversation_key = Column(String(64), index=True)
    # SHA-256 of the chat id and the id of the message that confirmed it: the same confirmation
    # delivered twice (a client retry after a Rasa replica died mid-message, a webhook resent) finds
    # this row instead of adding a second one. Unique, so two action servers cannot both insert it.
    submission_key = Column(String(64), unique=True)
    # Post-treatment check-ins (clinic/checkins.py): only with the patient's yes. The chat id is
    # kept only while that yes stands (it is how the check-in reaches them), cleared on "stop".
    checkin_consent = Column(Boolean)
    checkin_channel = Column(String(16))  # "telegram" or "twilio" (WhatsApp)
    checkin_chat_id = Column(String(64))
    treated_on = Column(Date)  # the treatment date, set by the practitioner (`make bookings ARGS=treated`)
    notifications = relationship("OutboxEmail", back_populates="request")
    checkins = relationship("CheckIn", back_populates="request", cascade="all, delete-orphan")


class OutboxEmail(Base):
    """An e-mail waiting to be sent; kept after sending (sent_at) as a delivery record."""

    __tablename__ = "outbox"
    id = Column(Integer, primary_key=True)
    request_id = Column(Integer, ForeignKey("booking_requests.id", ondelete="CASCADE"))
    to_address = Column(String(254), nullable=False)
    subject = Column(String(200), nullable=False)
    body = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    attempts = Column(Integer, nullable=False, default=0)
    last_error = Column(String(200))  # the error's type and SMTP code only, never message content
    sent_at = Column(DateTime)
    request = relationship("BookingRequest", back_populates="notifications")


class CheckIn(Base):
    """One scheduled "how is your skin doing?" message; its status makes sending exactly-once.

    scheduled -> sending (claimed, committed before the message goes) -> sent; a check-in found in
    "sending" after a crash is never sent again. skipped: opted out, cancelled, or undeliverable.
    """

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("request_id", "after_days", name="uq_checkin_per_day"),)
    id = Column(Integer, primary_key=True)
    request_id = Column(Integer, ForeignKey("booking_requests.id", ondelete="CASCADE"), nullable=False)
    after_days = Column(Integer, nullable=False)
    due_at = Column(DateTime, nullable=False, index=True)  # UTC
    status = Column(String(12), nullable=False, default="scheduled", index=True)
    sent_at = Column(DateTime)
    note = Column(String(80))  # why it was skipped or failed (never message content)
    request = relationship("BookingRequest", back_populates="checkins")


class LiveChat(Base):
    """A patient who asked for a person in opening hours: waiting, taken by a staff member, or closed.

    The chat's own id (sender_id) is what Rasa's HTTP API needs to reach the patient, so it is kept
    while the chat is open and cleared when it closes (a closed row keeps only times, for the inbox).
    """

    __tablename__ = "live_chats"
    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), index=True)
    channel = Column(String(32))  # the patient's input channel: socketio, telegram, twilio, rest
    status = Column(String(12), nullable=False, default="waiting", index=True)  # waiting/taken/closed
    requested_at = Column(DateTime, nullable=False, default=utcnow)  # UTC
    taken_by = Column(String(254))  # the staff member's account e-mail
    taken_at = Column(DateTime)
    closed_at = Column(DateTime)
    closed_how = Column(String(24))  # handed_back, patient_asked_bot, callback_offered, forgotten
    warning_at = Column(DateTime)  # a warning sign came in while the chat waited or was taken
    warning_level = Column(String(12))


def database_url() -> str:
    return os.environ.get(DB_ENV, "").strip() or f"sqlite:///{DEFAULT_DB}"


@lru_cache(maxsize=4)
def engine_for(url: str) -> Engine:
    """One engine per database URL; tables are created on first use."""
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True, connect_args={"check_same_thread": False, "timeout": 15})
    else:
        engine = create_engine(url, future=True, pool_pre_ping=True)
    _create_tables(engine)
    return engine


def _create_tables(engine: Engine, attempts: int = 5) -> None:
    """Create missing tables and columns; tolerate another action server doing it at the same moment.

    With replicas on one PostgreSQL, two servers can both see "no table" and both CREATE it; the
    loser gets a duplicate-object error, and on the next attempt finds the table there.
    """
    from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

    for attempt in range(attempts):
        try:
            Base.metadata.create_all(engine)
            _add_missing_columns(engine)
            return
        except (IntegrityError, ProgrammingError, OperationalError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def _add_missing_columns(engine: Engine) -> None:
    """Bring a database made by an older version up to date (columns added later, all nullable)."""
    from sqlalchemy import inspect, text

    present = {column["name"] for column in inspect(engine).get_columns(BookingRequest.__tablename__)}
    with engine.begin() as connection:
        for column in BookingRequest.__table__.columns:
            if column.name not in present:
                kind = column.type.compile(dialect=engine.dialect)
                connection.execute(text(f"ALTER TABLE booking_requests ADD COLUMN {column.name} {kind}"))
        if "submission_key" not in present:
            connection.execute(
                text(
                    "CREATE UNIQUE INDEX IF NOT EXISTS ix_booking_requests_submission_key "
                    "ON booking_requests (submission_key)"
                )
            )


# SQLite allows one writer at a time, and a transaction that reads first and writes later (a new
# reference is checked, then the row inserted) fails at once with "database is locked" when another
# one did the same meanwhile; its busy timeout does not cover that. The action server runs bookings
# in worker threads, so with SQLite its transactions take turns here (PostgreSQL handles them itself).
# Found by tests/test_load_integrity.py: 50 patients confirming at once.
_sqlite_writer = threading.RLock()  # re-entrant: a nested session in the same thread must not wait on itself


@contextmanager
def session(url: str | None = None) -> Iterator[Session]:
    """A transaction: committed when the block ends, rolled back on error."""
    url = url or database_url()
    if url.startswith("sqlite"):
        with _sqlite_writer:
            with _session(url) as db:
                yield db
    else:
        with _session(url) as db:
            yield db


@contextmanager
def _session(url: str) -> Iterator[Session]:
    factory = sessionmaker(bind=engine_for(url), future=True, expire_on_commit=False)
    with factory() as db:
        with db.begin():
            yield db


def new_reference(db: Session) -> str:
    """A short code the patient can read out, unique in the table."""
    while True:
        code = REFERENCE_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
        if db.execute(select(BookingRequest.id).where(BookingRequest.reference == code)).first() is None:
            return code


def normalise_reference(text: str) -> str | None:
    """'br 7kq4xp', 'BR-7KQ4XP', '7kq4xp' -> 'BR-7KQ4XP'; None when there is no reference in it.

    Without the BR prefix, a 6-letter word only counts when it has a digit or is the whole message,
    so "what's the status" is not read as reference BR-STATUS.
    """
    import re

    text = (text or "").strip().lower()
    for match in re.finditer(r"\b(br[\s-]*)?([a-z2-9]{6})\b", text):
        prefix, code = match.group(1), match.group(2).upper()
        if any(ch not in REFERENCE_ALPHABET for ch in code):
            continue
        if prefix or any(ch.isdigit() for ch in code) or text.strip(" .!?") == code.lower():
            return REFERENCE_PREFIX + code
    return None


def find_request(db: Session, reference: str) -> BookingRequest | None:
    return db.execute(select(BookingRequest).where(BookingRequest.reference == reference)).scalar_one_or_none()


def submission_key(sender_id: str, message_id: str) -> str:
    """Identifies one confirmation message in one chat, without storing either id."""
    import hashlib

    return hashlib.sha256(f"{sender_id}\n{message_id}".encode()).hexdigest()


def conversation_key(sender_id: str) -> str:
    """What is stored instead of the chat's own id (which may be a phone number on WhatsApp)."""
    import hashlib

    return hashlib.sha256(sender_id.encode("utf-8")).hexdigest()


def forget_conversation(db: Session, sender_id: str) -> int:
    """Delete every request (and its e-mails) made in this conversation; returns how many."""
    return _delete_with_emails(db, BookingRequest.conversation_key == conversation_key(sender_id))


def purge_expired(db: Session, retention_days: int, now: dt.datetime | None = None) -> int:
    """Delete requests (and their e-mails) older than the retention period; returns how many."""
    cutoff = (now or dt.datetime.now(dt.timezone.utc)).replace(tzinfo=None) - dt.timedelta(days=retention_days)
    return _delete_with_emails(db, BookingRequest.created_at < cutoff)


def delete_requests(db: Session, condition) -> int:
    """Delete the requests matching a SQLAlchemy condition, with their e-mails (staff's "forget this patient")."""
    return _delete_with_emails(db, condition)


def _delete_with_emails(db: Session, condition) -> int:
    """Delete the requests matching `condition` and their outbox e-mails; returns how many requests."""
    rows = db.execute(select(BookingRequest).where(condition)).scalars().all()
    for request in rows:
        for email in list(request.notifications):
            db.delete(email)
        db.delete(request)
    return len(rows)
