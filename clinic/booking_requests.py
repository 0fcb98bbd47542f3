"""Booking and callback requests: store them, route them to a practitioner, look them up.

The only module (with store and notify) that touches patients' details. Actions call these
functions; the practitioner CLI (clinic.practitioner) calls them too.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from clinic import notify, store
from clinic.profile import WEEKDAYS, ClinicProfile, Practitioner
from clinic.validators import contact_kind, same_contact
from clinic.when import When

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewRequest:
    kind: str  # "booking" or "callback"
    name: str
    contact: str
    when: When | None = None
    concern: str | None = None
    first_visit: bool | None = None
    sender_id: str | None = None  # the chat it came from (stored only as a hash, for "forget me")
    message_id: str | None = None  # the patient's confirming message (hashed with sender_id)


@dataclass(frozen=True)
class RequestView:
    """What a patient (or the CLI) is shown about a stored request."""

    reference: str
    kind: str
    status: str
    preferred_text: str | None
    practitioner_role: str
    clinic_note: str | None
    created_at: dt.datetime


def assign_practitioner(clinic: ClinicProfile, day: dt.date | None, treatment: str) -> Practitioner:
    """The first practitioner who does the treatment and works that weekday; else the default."""
    if day is not None:
        weekday = WEEKDAYS[day.weekday()]
        for person in clinic.practitioners:
            if weekday in person.weekdays and treatment in person.treatments:
                return person
    return clinic.practitioners[0]


def _email_body(clinic: ClinicProfile, request: store.BookingRequest, new: NewRequest) -> str:
    lines = [
        f"A new {new.kind} request came in through the {clinic.name} chat assistant.",
        "",
        f"Reference: {request.reference}",
        f"Name: {new.name}",
        f"{'Phone' if request.contact_kind == 'phone' else 'E-mail'}: {new.contact}",
    ]
    if new.kind == "booking":
        lines += [
            f"Preferred: {request.preferred_text} ({clinic.timezone})",
            f"For: {new.concern}",
            f"First visit: {'yes' if new.first_visit else 'no, returning patient'}",
        ]
    else:
        lines += ["Please phone the patient back when the clinic opens."]
    lines += [
        "",
        "Mark it confirmed or declined with:",
        f"  make bookings ARGS='confirm {request.reference}'   or   ARGS='decline {request.reference}'",
        "",
        f"This request is deleted automatically after {clinic.data_retention_days} days.",
    ]
    return "\n".join(lines)


def create_request(clinic: ClinicProfile, new: NewRequest, db_url: str | None = None) -> RequestView:
    """Store the request and its practitioner e-mail in one transaction, then try to send it."""
    day = new.when.day if new.when else None
    treatment = "consultation" if new.first_visit else clinic.treatment.name
    person = assign_practitioner(clinic, day, treatment)
    key = store.submission_key(new.sender_id, new.message_id) if new.sender_id and new.message_id else None
    if key:
        earlier = _already_submitted(key, db_url)
        if earlier is not None:
            return earlier
    try:
        view = _store_request(clinic, new, person, key, db_url)
    except IntegrityError:
        # Another action server stored this very confirmation a moment ago (unique submission_key).
        earlier = _already_submitted(key, db_url) if key else None
        if earlier is None:
            raise
        return earlier
    logger.info("stored %s request %s for %s", new.kind, view.reference, person.role)
    try:
        notify.deliver_pending(clinic.email, db_url)
    except Exception:  # the request is safe in the database; the outbox worker will retry
        logger.exception("outbox: immediate delivery failed for %s", view.reference)
    return view


def _already_submitted(key: str, db_url: str | None) -> RequestView | None:
    with store.session(db_url) as db:
        row = db.execute(select(store.BookingRequest).where(store.BookingRequest.submission_key == key)).scalar()
        if row is not None:
            logger.info("confirmation delivered twice: request %s already stored", row.reference)
            return _view(row)
    return None


def _store_request(
    clinic: ClinicProfile, new: NewRequest, person: Practitioner, key: str | None, db_url: str | None
) -> RequestView:
    """The request and its practitioner e-mail, in one transaction."""
    with store.session(db_url) as db:
        preferred_start = None
        if new.when:
            from zoneinfo import ZoneInfo

            local = dt.datetime.combine(new.when.day, new.when.time or dt.time(0, 0), tzinfo=ZoneInfo(clinic.timezone))
            preferred_start = local.astimezone(dt.timezone.utc).replace(tzinfo=None)
        request = store.BookingRequest(
            reference=store.new_reference(db),
            kind=new.kind,
            name=new.name,
            contact=new.contact,
            contact_kind=contact_kind(new.contact),
            preferred_start=preferred_start,
            preferred_text=new.when.describe() if new.when else None,
            concern=new.concern,
            first_visit=new.first_visit,
            practitioner_role=person.role,
            practitioner_email=person.email,
            conversation_key=store.conversation_key(new.sender_id) if new.sender_id else None,
            submission_key=key,
        )
        db.add(request)
        db.flush()
        subject = f"New {new.kind} request {request.reference}" + (
            f" for {request.preferred_text}" if request.preferred_text else ""
        )
        notify.queue_email(db, request, person.email, subject, _email_body(clinic, request, new))
        return _view(request)


def _view(request: store.BookingRequest) -> RequestView:
    return store.view_of(RequestView, request)


def _patients_request(db, clinic: ClinicProfile, reference: str, contact: str) -> store.BookingRequest | None:
    """The request, only if the contact the patient gives matches the one stored with it."""
    request = store.find_request(db, reference)
    if request is None or not same_contact(contact, request.contact, clinic.country):
        return None
    return request


def find_for_patient(
    clinic: ClinicProfile, reference: str, contact: str, db_url: str | None = None
) -> RequestView | None:
    with store.session(db_url) as db:
        request = _patients_request(db, clinic, reference, contact)
        return _view(request) if request else None


def cancel_for_patient(
    clinic: ClinicProfile, reference: str, contact: str, db_url: str | None = None
) -> RequestView | None:
    """Cancel a pending or confirmed request and tell the practitioner; None when not found."""
    with store.session(db_url) as db:
        request = _patients_request(db, clinic, reference, contact)
        if request is None:
            return None
        if request.status in (store.PENDING, store.CONFIRMED):
            request.status = store.CANCELLED
            notify.queue_email(
                db,
                request,
                request.practitioner_email,
                f"Cancelled by the patient: {request.reference}",
                f"The patient cancelled {request.kind} request {request.reference}"
                f" ({request.preferred_text or 'call back'}). No action is needed.",
            )
        view = _view(request)
    try:
        notify.deliver_pending(clinic.email, db_url)
    except Exception:
        logger.exception("outbox: immediate delivery failed for %s", view.reference)
    return view


def open_requests(db_url: str | None = None) -> list[store.BookingRequest]:
    with store.session(db_url) as db:
        return list(
            db.execute(
                select(store.BookingRequest)
                .where(store.BookingRequest.status == store.PENDING)
                .order_by(store.BookingRequest.created_at)
            )
            .scalars()
            .all()
        )


def set_status(reference: str, status: str, note: str | None = None, db_url: str | None = None) -> RequestView | None:
    """The practitioner's decision; the patient sees it when asking about the reference."""
    if status not in store.STATUSES:
        raise ValueError(f"status must be one of {', '.join(store.STATUSES)}")
    with store.session(db_url) as db:
        request = store.find_request(db, reference)
        if request is None:
            return None
        request.status = status
        if note:
            request.clinic_note = note[:500]
        return _view(request)


@dataclass(frozen=True)
class Purged:
    requests: int
    conversations: int


def purge_expired(clinic: ClinicProfile, db_url: str | None = None, tracker_url: str | None = None) -> Purged:
    """The retention purge: requests and conversations older than data_retention_days (CLI and staff app)."""
    from clinic.tracker_db import purge_conversations

    with store.session(db_url) as db:
        removed = store.purge_expired(db, clinic.data_retention_days)
    return Purged(removed, purge_conversations(clinic.data_retention_days, tracker_url))


def forget_patient(reference: str, db_url: str | None = None, tracker_url: str | None = None) -> Purged | None:
    """Staff's "forget this patient": the request, every request and live chat of its conversation, and
    the conversation itself, as the patient's own "forget me" would; None when the reference is unknown."""
    from clinic import live_chats, tracker_db

    with store.session(db_url) as db:
        request = store.find_request(db, reference)
        if request is None:
            return None
        key = request.conversation_key
    sender = tracker_db.sender_for_key(key, tracker_url) if key else None
    with store.session(db_url) as db:
        condition = store.BookingRequest.conversation_key == key if key else store.BookingRequest.reference == reference
        removed = store.delete_requests(db, condition)
        if sender:
            live_chats.forget_sender(db, sender)
    conversations = 1 if sender and tracker_db.delete_conversation(sender, tracker_url) else 0
    logger.info("forgot the patient of a request: %d request(s), %d conversation(s)", removed, conversations)
    return Purged(removed, conversations)
