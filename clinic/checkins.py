"""Post-treatment check-ins: scheduled "how is your skin doing?" messages on Telegram and WhatsApp.

Infections and lumps after injections tend to show days to weeks later, when nobody asks. A patient
who said yes (in the chat, right after booking, or any time later) gets a check-in on each of the
profile's `checkins.after_days` after the treatment date the practitioner records, inside the
clinic's local `send_between` hours. The check-in is sent through Rasa's own proactive path,
`POST /conversations/<chat>/trigger_intent` (API token) with the patient's channel as
`output_channel`, so it is part of the conversation and the patient's answer is understood in context.

Why rows in the bookings database instead of APScheduler jobs: exactly-once needs a status per
check-in anyway (and opt-out and cancellation must be checked at sending time), so the rows are the
jobs. They survive restarts with the database, and every pass is one short transaction:
  - due check-ins are claimed (`FOR UPDATE SKIP LOCKED` on PostgreSQL: two schedulers never take the
    same one) and marked `sending`, committed *before* the message goes;
  - then `sent`; if the process dies in between, the row stays `sending` and is never sent again
    (never twice beats maybe twice; `make bookings ARGS=checkins` shows it);
  - opted out, cancelled or declined at sending time: `skipped`;
  - late ones (the scheduler was down, or the patient said yes weeks after the treatment) go with the
    real number of days since the treatment; one overtaken by a later check-in that is also due, or
    more than MAX_LATE_DAYS late, is `skipped`: a patient never gets two at once, or "how is your skin
    two days after?" a month later.

    .venv/bin/python -m clinic.checkins run [--every 60] [--once]     (RASA_URL, RASA_API_TOKEN)
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote
from zoneinfo import ZoneInfo

import requests as http
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from clinic import clock, store
from clinic.profile import ClinicProfile, ProfileError, load_profile

logger = logging.getLogger(__name__)

SCHEDULED, SENDING, SENT, SKIPPED, FAILED = "scheduled", "sending", "sent", "skipped", "failed"
CHANNELS = ("telegram", "twilio")  # messaging apps a check-in can reach (not the website chat)
TRIGGER_INTENT = "EXTERNAL_checkin"
MAX_LATE_DAYS = 7  # a check-in later than this after its day is out of its moment: skipped, not sent


@dataclass(frozen=True)
class Due:
    """A claimed check-in, ready to send: no ORM object crosses the transaction boundary."""

    checkin_id: int
    chat_id: str
    channel: str
    after_days: int
    treated_on: dt.date
    days_since: int  # days since the treatment on the day it is sent (after_days, or more if late)


Deliver = Callable[[Due], None]


def utc(local_day: dt.date, at: dt.time, clinic: ClinicProfile) -> dt.datetime:
    """Naive UTC for a clinic-local day and time (how the database keeps times)."""
    moment = dt.datetime.combine(local_day, at, tzinfo=ZoneInfo(clinic.timezone))
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)


def in_window(clinic: ClinicProfile, now: dt.datetime) -> bool:
    start, end = clinic.checkins.window()
    local = now.astimezone(ZoneInfo(clinic.timezone)).time()
    return start <= local < end


def schedule(db: Session, request: store.BookingRequest, clinic: ClinicProfile) -> int:
    """Create the check-ins of a treated request that has consent; returns how many are new."""
    if not (request.checkin_consent and request.treated_on) or request.status in (store.CANCELLED, store.DECLINED):
        return 0
    have = {c.after_days for c in request.checkins}
    start, _ = clinic.checkins.window()
    new = 0
    for days in clinic.checkins.after_days:
        if days not in have:
            due = utc(request.treated_on + dt.timedelta(days=days), start, clinic)
            request.checkins.append(store.CheckIn(after_days=days, due_at=due, status=SCHEDULED))
            new += 1
    return new


def requests_of_chat(db: Session, sender_id: str) -> list[store.BookingRequest]:
    rows = (
        db.execute(
            select(store.BookingRequest)
            .where(store.BookingRequest.conversation_key == store.conversation_key(sender_id))
            .order_by(store.BookingRequest.created_at.desc())
        )
        .scalars()
        .all()
    )
    return list(rows)


def opt_in(sender_id: str, channel: str, clinic: ClinicProfile, url: str | None = None) -> str | None:
    """Check-ins for this chat's latest open request; returns its reference, or None if there is none."""
    if channel not in CHANNELS:
        return None
    with store.session(url) as db:
        open_requests = [
            r for r in requests_of_chat(db, sender_id) if r.status not in (store.CANCELLED, store.DECLINED)
        ]
        if not open_requests:
            return None
        request = open_requests[0]
        request.checkin_consent, request.checkin_channel, request.checkin_chat_id = True, channel, sender_id
        schedule(db, request, clinic)
        return request.reference


def opt_out(sender_id: str, url: str | None = None) -> int:
    """No more check-ins for any request of this chat; returns how many waiting ones were dropped."""
    dropped = 0
    with store.session(url) as db:
        for request in requests_of_chat(db, sender_id):
            request.checkin_consent, request.checkin_chat_id = False, None
            for checkin in request.checkins:
                if checkin.status == SCHEDULED:
                    checkin.status, checkin.note = SKIPPED, "patient said stop"
                    dropped += 1
    return dropped


def mark_treated(reference: str, treated_on: dt.date, clinic: ClinicProfile, url: str | None = None) -> str | None:
    """The practitioner records the treatment date; returns a line for the terminal, None if unknown."""
    with store.session(url) as db:
        request = store.find_request(db, reference)
        if request is None:
            return None
        if request.status in (store.CANCELLED, store.DECLINED):
            return f"{request.reference} is {request.status}: no treatment date recorded."
        request.treated_on = treated_on
        new = schedule(db, request, clinic)
        if not request.checkin_consent:
            return f"{request.reference} treated on {treated_on:%d %b %Y}; the patient has not asked for check-ins."
        return f"{request.reference} treated on {treated_on:%d %b %Y}; {new} check-in(s) scheduled."


def claim_due(clinic: ClinicProfile, now: dt.datetime, url: str | None = None) -> list[Due]:
    """Take the check-ins due now (none outside the local sending hours), marking them `sending`."""
    if not in_window(clinic, now):
        return []
    naive_now = now.astimezone(dt.timezone.utc).replace(tzinfo=None)
    today = now.astimezone(ZoneInfo(clinic.timezone)).date()
    claimed = []
    with store.session(url) as db:
        rows = (
            db.execute(
                select(store.CheckIn)
                .where(store.CheckIn.status == SCHEDULED, store.CheckIn.due_at <= naive_now)
                .order_by(store.CheckIn.due_at)
                .with_for_update(skip_locked=True)
            )
            .scalars()
            .all()
        )
        latest_due: dict[int, int] = {}  # per request, the last of its check-ins due now
        for c in rows:
            latest_due[c.request_id] = max(c.after_days, latest_due.get(c.request_id, 0))
        for checkin in rows:
            request = checkin.request
            days_since = (today - request.treated_on).days
            if checkin.after_days < latest_due[checkin.request_id]:
                checkin.status = SKIPPED
                checkin.note = f"overtaken by the day-{latest_due[checkin.request_id]} check-in"
            elif days_since - checkin.after_days > MAX_LATE_DAYS:
                checkin.status, checkin.note = SKIPPED, f"{days_since - checkin.after_days} days late"
            elif request.status in (store.CANCELLED, store.DECLINED):
                checkin.status, checkin.note = SKIPPED, f"request {request.status}"
            elif not request.checkin_consent or not request.checkin_chat_id:
                checkin.status, checkin.note = SKIPPED, "no consent"
            elif request.checkin_channel not in CHANNELS:
                checkin.status, checkin.note = SKIPPED, "no messaging channel"
            else:
                checkin.status = SENDING
                claimed.append(
                    Due(
                        checkin.id,
                        request.checkin_chat_id,
                        request.checkin_channel,
                        checkin.after_days,
                        request.treated_on,
                        max(checkin.after_days, days_since),
                    )
                )
    return claimed


def finish(checkin_id: int, status: str, now: dt.datetime, note: str | None = None, url: str | None = None) -> None:
    with store.session(url) as db:
        checkin = db.get(store.CheckIn, checkin_id)
        checkin.status, checkin.note = status, note
        if status == SENT:
            checkin.sent_at = now.astimezone(dt.timezone.utc).replace(tzinfo=None)


def send_due(clinic: ClinicProfile, now: dt.datetime, deliver: Deliver, url: str | None = None) -> list[int]:
    """One pass: claim what is due and deliver it; returns the ids sent."""
    sent = []
    for due in claim_due(clinic, now, url):
        try:
            deliver(due)
        except http.ConnectionError:
            # Nothing reached Rasa: safe to try again on a later pass.
            finish(due.checkin_id, SCHEDULED, now, "Rasa unreachable, will retry", url)
            logger.warning("check-in %s: Rasa unreachable, will retry", due.checkin_id)
            continue
        except Exception as error:  # noqa: BLE001 - unknown whether it went: never risk a second one
            finish(due.checkin_id, FAILED, now, type(error).__name__[:80], url)
            logger.error("check-in %s not confirmed (%s): not retried", due.checkin_id, type(error).__name__)
            continue
        finish(due.checkin_id, SENT, now, None, url)
        sent.append(due.checkin_id)
    return sent


def rasa_trigger(rasa_url: str, token: str, timeout: float = 30) -> Deliver:
    """Deliver through Rasa: the check-in intent, in the patient's conversation, to their channel."""

    def deliver(due: Due) -> None:
        # Rasa takes the conversation id from the path as it is, without decoding it, so the ':' and
        # '+' of a WhatsApp id ("whatsapp:+44...") stay as they are (both are allowed in a path).
        reply = http.post(
            f"{rasa_url.rstrip('/')}/conversations/{quote(due.chat_id, safe=':+@')}/trigger_intent",
            params={"output_channel": due.channel, "token": token},
            json={
                "name": TRIGGER_INTENT,
                "entities": {"checkin_day": str(due.days_since), "treated_on": due.treated_on.isoformat()},
            },
            timeout=timeout,
        )
        reply.raise_for_status()

    return deliver


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m clinic.checkins", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="send check-ins as they fall due")
    run.add_argument("--every", type=float, default=60, help="seconds between passes")
    run.add_argument("--once", action="store_true", help="one pass, then exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s - %(message)s")
    try:
        clinic = load_profile()
    except ProfileError as error:
        print(error, file=sys.stderr)
        return 2
    token = os.environ.get("RASA_API_TOKEN", "").strip()
    if not token:
        print(
            "Check-ins are sent through Rasa's HTTP API: set RASA_API_TOKEN (the same as the Rasa server's).",
            file=sys.stderr,
        )
        return 2
    deliver = rasa_trigger(os.environ.get("RASA_URL", "http://127.0.0.1:5005"), token)
    while True:
        try:
            sent = send_due(clinic, clock.now(), deliver)
        except SQLAlchemyError as error:  # the database is down: the jobs wait there, try again later
            if args.once:
                print(
                    f"Check-ins not sent: the bookings database is unreachable ({type(error).__name__}).",
                    file=sys.stderr,
                )
                return 1
            logger.error("check-in pass failed (%s); next pass in %.0f s", type(error).__name__, args.every)
            sent = []
        if sent:
            logger.info("sent %d check-in(s)", len(sent))
        if args.once:
            return 0
        time.sleep(args.every)


if __name__ == "__main__":
    sys.exit(main())
