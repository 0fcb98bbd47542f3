"""How patients say when: dateparser plus the normaliser, relative to the clinic's "now"."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from clinic.when import parse_when

NOW = dt.datetime(2026, 11, 24, 19, 0, tzinfo=ZoneInfo("Europe/London"))  # a Tuesday evening


@pytest.mark.parametrize(
    "text, prefer, day, time, window",
    [
        ("yesterday", "past", "2026-11-23", None, None),
        ("last night", "past", "2026-11-23", None, "evening"),
        ("3 days ago", "past", "2026-11-21", None, None),
        ("a couple of days ago", "past", "2026-11-22", None, None),
        ("an hour ago", "past", "2026-11-24", None, None),
        ("a fortnight ago", "past", "2026-11-10", None, None),
        ("friday", "past", "2026-11-20", None, None),
        ("friday", "future", "2026-11-27", None, None),
        ("next tuesday afternoon", "future", "2026-12-01", None, "afternoon"),
        ("tmrw morning", "future", "2026-11-25", None, "morning"),
        ("sat 11ish", "future", "2026-11-28", "11:00", None),
        ("tomorrow after 4", "future", "2026-11-25", "16:00", None),
        ("the 3rd", "future", "2026-12-03", None, None),
        ("the 3rd", "past", "2026-11-03", None, None),
        ("14/12 at 2pm", "future", "2026-12-14", "14:00", None),
        ("this weekend", "future", "2026-11-28", None, None),
    ],
)
def test_time_expressions(text, prefer, day, time, window):
    when = parse_when(text, NOW, prefer)
    assert when is not None, text
    assert when.day.isoformat() == day
    assert (when.time.strftime("%H:%M") if when.time else None) == time
    assert when.window == window


@pytest.mark.parametrize("text", ["", "soon", "Sam Taylor", "020 7946 0123", "fine lines", "🙂", "x" * 5000])
def test_no_day_means_none(text):
    assert parse_when(text, NOW) is None
