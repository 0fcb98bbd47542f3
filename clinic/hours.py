"""The one place that decides whether the clinic is open, and when it opens next.

Everything that needs "open now?" (clinic info, after-hours booking replies, handoff) asks here, in
the clinic's own time zone, with weekday hours and closure dates from clinic.yml. The clock is a
parameter so tests can ask about any moment.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from clinic import content
from clinic.profile import WEEKDAYS, ClinicProfile

LOOKAHEAD_DAYS = 60  # long enough to step over a holiday closure


def local_now(clinic: ClinicProfile, now: dt.datetime | None = None) -> dt.datetime:
    """`now` (aware; default the real clock) in the clinic's time zone."""
    zone = ZoneInfo(clinic.timezone)
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(zone)


def hours_on_date(clinic: ClinicProfile, day: dt.date) -> tuple[dt.time, dt.time] | None:
    """Opening and closing time on a calendar date, or None when closed (weekday or closure)."""
    if day in clinic.closures:
        return None
    return clinic.hours_on(WEEKDAYS[day.weekday()])


def is_open(clinic: ClinicProfile, now: dt.datetime | None = None) -> bool:
    here = local_now(clinic, now)
    span = hours_on_date(clinic, here.date())
    return span is not None and span[0] <= here.time() < span[1]


def next_opening(clinic: ClinicProfile, now: dt.datetime | None = None) -> dt.datetime | None:
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


def day_phrase(day: dt.date, today: dt.date) -> str:
    """'today', 'tomorrow', or 'on Friday 27 November' - how a receptionist would say it."""
    if day == today:
        return content.text("replies", "dates.today")
    if day == today + dt.timedelta(days=1):
        return content.text("replies", "dates.tomorrow")
    return content.text("replies", "dates.on_day", day=day.strftime("%A %-d %B"))


def opens_next_phrase(clinic: ClinicProfile, now: dt.datetime | None = None) -> str:
    """'tomorrow at 09:00' / 'on Monday 30 November at 09:00' (clinic-local)."""
    here = local_now(clinic, now)
    opening = next_opening(clinic, now)
    if opening is None:
        return content.text("replies", "hours.opens_after_closure")
    return content.text(
        "replies", "hours.opens_next", day=day_phrase(opening.date(), here.date()), time=f"{opening:%H:%M}"
    )


def status_line(clinic: ClinicProfile, now: dt.datetime | None = None) -> str:
    """'We're open now, until 18:00.' or 'We're closed right now and open again tomorrow at 09:00.'"""
    here = local_now(clinic, now)
    zone = clinic.timezone.split("/")[-1].replace("_", " ")
    if is_open(clinic, now):
        span = hours_on_date(clinic, here.date())
        assert span is not None  # open now, so open today
        return content.text("replies", "hours.open_now", closing=f"{span[1]:%H:%M}", zone=zone)
    return content.text("replies", "hours.closed_now", opens_next=opens_next_phrase(clinic, now), zone=zone)


def weekly_hours(clinic: ClinicProfile) -> str:
    """One line per weekday, as in clinic.yml."""
    lines = []
    for day in WEEKDAYS:
        span = clinic.hours_on(day)
        opening = f"{span[0]:%H:%M}-{span[1]:%H:%M}" if span else content.text("replies", "hours.closed")
        lines.append(content.text("replies", "hours.weekday", weekday=day.capitalize(), hours=opening))
    return "\n".join(lines)


def upcoming_closures(clinic: ClinicProfile, now: dt.datetime | None = None, days: int = 60) -> str:
    """'Thursday 25 December, Friday 26 December' within the next `days`, or ''."""
    today = local_now(clinic, now).date()
    soon = [d for d in sorted(clinic.closures) if today <= d <= today + dt.timedelta(days=days)]
    return ", ".join(d.strftime("%A %-d %B") for d in soon)
