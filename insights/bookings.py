"""Read booking and call-back requests for the report: when, what kind, which status. Nothing else.

Only three columns are selected, so names, contacts and concerns never even reach this process.
Uses the action server's own models and session (clinic/store.py), hence SQLite or PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from clinic import store


@dataclass(frozen=True)
class Booking:
    created: dt.datetime  # aware, UTC
    kind: str  # "booking" or "callback"
    status: str  # store.STATUSES


def read_bookings(url: str, start: dt.datetime, end: dt.datetime) -> list[Booking]:
    """Requests created in [start, end). A SQLite file that does not exist yet means none."""
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///") :]).exists():
        return []
    naive = lambda moment: moment.astimezone(dt.timezone.utc).replace(tzinfo=None)  # noqa: E731
    model = store.BookingRequest
    with store.session(url) as db:
        rows = db.execute(
            select(model.created_at, model.kind, model.status)
            .where(model.created_at >= naive(start), model.created_at < naive(end))
            .order_by(model.created_at)
        ).all()
    return [
        Booking(created.replace(tzinfo=dt.timezone.utc), kind or "booking", status or store.PENDING)
        for created, kind, status in rows
    ]
