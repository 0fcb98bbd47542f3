"""The one place that decides whether the clinic is open, and when it opens next.

Everything that needs "open now?" (clinic info, after-hours booking replies, handoff) asks here, in
the clinic's own time zone, with weekday hours and closure dates from clinic.yml. The clock is a
parameter so tests can ask about any moment.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional, Tuple
from zoneinfo import ZoneInfo

from actions.profile import WEEKDAYS, ClinicProfile

LOOKAHEAD_DAYS = 60  # long enough to step over a holiday closure


def local_now(clinic: ClinicProfile, now: Optional[dt.datetime] = None) -> dt.datetime:
    """`now` (aware; default the real clock) in the clinic's time zone."""
    zone = ZoneInfo(clinic.timezone)
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(zone)


def hours_on_date(clinic: ClinicProfile, day: dt.date) -> Optional[Tuple[dt.time, dt.time]]:
    """Opening and closing time on a calendar date, or None when closed (weekday or closure)."""
    if day in clinic.closures:
        return None
    return clinic.hours_on(WEEKDAYS[day.weekday()])


def is_open(clinic: ClinicProfile, now: Optional[dt.datetime] = None) -> bool:
    here = local_now(clinic, now)
    span = hours_on_date(clinic, here.date())
    return span is not None and span[0] <= here.time() < span[1]


def next_opening(clinic: ClinicProfile, now: Optional[dt.datetime] = None) -> Optional[dt.datetime]:
    """The next moment the clinic opens after `now` (clinic-local, aware); None if never soon."""
    here = local_now(clinic, now)
    for offset in range(LOOKAHEAD_DAYS):
        day = here.date() + dt.timedelta(days=offset)
        span = hours_on_date(clinic, day)
        if span is None:
            continue
        opening = dt.datetime.combine(day, span[0], tzinfo=here.tzinfo)
        if opening > here:
            return opening
    return None
