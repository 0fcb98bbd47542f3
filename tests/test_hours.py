"""Open now / opens next, in the clinic's time zone, with weekday hours and closure dates."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from clinic.hours import is_open, next_opening
from clinic.profile import load_profile
from tests.harness.paths import ROOT

CLINIC = load_profile(ROOT / "clinic.yml")  # Mon-Thu 09-18 (Wed to 20), Fri 09-17, Sat 10-14, Sun closed
LONDON = ZoneInfo("Europe/London")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def test_open_during_hours_and_closed_outside():
    assert is_open(CLINIC, at(2026, 11, 23, 9, 0))  # Monday, opening minute
    assert not is_open(CLINIC, at(2026, 11, 23, 18, 0))  # Monday, closing minute
    assert is_open(CLINIC, at(2026, 11, 25, 19, 30))  # Wednesday late opening
    assert not is_open(CLINIC, at(2026, 11, 29, 12, 0))  # Sunday


def test_time_zone_is_the_clinics_not_the_servers():
    # 08:30 UTC in summer is 09:30 in London: open.
    assert is_open(CLINIC, dt.datetime(2026, 7, 6, 8, 30, tzinfo=dt.timezone.utc))


def test_next_opening_after_hours_and_over_the_weekend():
    assert next_opening(CLINIC, at(2026, 11, 23, 23, 0)) == at(2026, 11, 24, 9, 0)
    assert next_opening(CLINIC, at(2026, 11, 28, 15, 0)) == at(2026, 11, 30, 9, 0)  # Sat -> Mon


def test_closure_dates_are_skipped():
    # Christmas Eve 2026 is a Thursday; 25 and 26 December are closures, 27th is a Sunday.
    assert not is_open(CLINIC, at(2026, 12, 25, 11, 0))
    assert next_opening(CLINIC, at(2026, 12, 24, 19, 0)) == at(2026, 12, 28, 9, 0)
