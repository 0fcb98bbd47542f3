"""The practitioner's side of booking requests, from a terminal.

    make bookings                          # open (pending) requests
    make bookings ARGS="all"               # every request, newest first
    make bookings ARGS="confirm BR-7KQ4XP --note 'Thu 10:00 with the nurse'"
    make bookings ARGS="decline BR-7KQ4XP --note 'Fully booked that day'"
    make bookings ARGS="treated BR-7KQ4XP --on 2026-11-20"   # treatment done: schedules its check-ins
    make bookings ARGS="checkins"          # post-treatment check-ins: due, sent, skipped
    make bookings ARGS="outbox"            # send waiting e-mails now, show what is still waiting
    make bookings ARGS="purge"             # delete requests and conversations older than the retention period

The patient sees the new status (and the note) when they ask about their reference in the chat.
"""

from __future__ import annotations

import argparse
import sys
from zoneinfo import ZoneInfo

from sqlalchemy import select

from clinic import booking_requests, notify, store
from clinic.profile import ProfileError, load_profile


def _local(clinic, moment) -> str:
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(clinic.timezone)).strftime("%a %d %b %H:%M")


def _print_rows(clinic, rows: list[store.BookingRequest]) -> None:
    if not rows:
        print("No requests.")
        return
    for row in rows:
        when = row.preferred_text or "call back"
        first = "" if row.first_visit is None else (" first visit" if row.first_visit else " returning")
        print(
            f"{row.reference}  {row.status:<9} {row.kind:<8} received {_local(clinic, row.created_at)}  "
            f"wants {when}  {row.name} <{row.contact}>{first}  -> {row.practitioner_role}"
        )
        if row.concern:
            print(f"           for: {row.concern}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bookings ARGS=...", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("list", help="open requests")
    sub.add_parser("all", help="every request, newest first")
    for name in ("confirm", "decline"):
        cmd = sub.add_parser(name, help=f"{name} a request")
        cmd.add_argument("reference")
        cmd.add_argument("--note", default=None, help="shown to the patient")
    treated = sub.add_parser("treated", help="record the treatment date (schedules check-ins if asked for)")
    treated.add_argument("reference")
    treated.add_argument("--on", default=None, help="YYYY-MM-DD, default today (clinic time)")
    sub.add_parser("checkins", help="post-treatment check-ins and their status")
    sub.add_parser("outbox", help="deliver waiting e-mails now")
    sub.add_parser("purge", help="delete requests and conversations older than the retention period")
    args = parser.parse_args(argv)
    try:
        clinic = load_profile()
    except ProfileError as exc:
        print(exc, file=sys.stderr)
        return 2
    command = args.command or "list"
    if command == "list":
        _print_rows(clinic, booking_requests.open_requests())
    elif command == "all":
        with store.session() as db:
            _print_rows(
                clinic,
                list(
                    db.execute(select(store.BookingRequest).order_by(store.BookingRequest.created_at.desc())).scalars()
                ),
            )
    elif command in ("confirm", "decline"):
        reference = store.normalise_reference(args.reference)
        status = store.CONFIRMED if command == "confirm" else store.DECLINED
        view = booking_requests.set_status(reference, status, args.note) if reference else None
        if view is None:
            print(f"No request {args.reference}.", file=sys.stderr)
            return 1
        print(f"{view.reference} is now {view.status}.")
    elif command == "treated":
        import datetime as dt

        from clinic import checkins, clock

        try:
            day = (
                dt.date.fromisoformat(args.on) if args.on else clock.now().astimezone(ZoneInfo(clinic.timezone)).date()
            )
        except ValueError:
            print(f"--on must be a date like 2026-11-20, got {args.on!r}", file=sys.stderr)
            return 2
        reference = store.normalise_reference(args.reference)
        line = checkins.mark_treated(reference, day, clinic) if reference else None
        if line is None:
            print(f"No request {args.reference}.", file=sys.stderr)
            return 1
        print(line)
    elif command == "checkins":
        with store.session() as db:
            rows = db.execute(select(store.CheckIn).order_by(store.CheckIn.due_at)).scalars().all()
            if not rows:
                print("No check-ins.")
            for row in rows:
                print(
                    f"{row.request.reference}  day {row.after_days:<3} due {_local(clinic, row.due_at)}  "
                    f"{row.status}{'  ' + row.note if row.note else ''}"
                )
    elif command == "outbox":
        sent = notify.deliver_pending(clinic.email)
        waiting = notify.waiting_count()
        configured = notify.SmtpSettings.from_env(clinic.email) is not None
        print(f"sent {sent}, still waiting {waiting}" + ("" if configured else " (SMTP_HOST is not set)"))
    elif command == "purge":
        purged = booking_requests.purge_expired(clinic)
        print(
            f"deleted {purged.requests} request(s) and {purged.conversations} conversation(s) older than "
            f"{clinic.data_retention_days} days"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
