"""Understand when a patient means: "yesterday", "next Tuesday afternoon", "the 3rd at 2pm".

dateparser does the parsing, in the clinic's time zone and relative to the clinic's "now". A thin
normaliser in front of it handles what patients type and dateparser misses ("tmrw", "next tuesday",
"last night", "11ish", "after 4") and pulls out a part of the day (morning, afternoon, evening).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import dateparser
from dateparser.search import search_dates

WINDOWS = {  # part of the day -> (from, to) in clinic-local time
    "morning": (dt.time(8, 0), dt.time(12, 0)),
    "lunchtime": (dt.time(12, 0), dt.time(14, 0)),
    "afternoon": (dt.time(12, 0), dt.time(17, 0)),
    "evening": (dt.time(17, 0), dt.time(21, 0)),
}
_WEEKDAY = r"(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(day|sday|nesday|rsday|urday)?"
_MONTH = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|\d{1,2}[/.-]\d{1,2}")
_SUBSTITUTIONS = [
    (r"\b(tmrw|tmr|tomoz|tomorow|tommorow|tommorrow|2moro|2morrow)\b", "tomorrow"),
    (r"\b(tonite|tonight)\b", "today evening"),
    (r"\b(a couple of|couple of|a couple|couple)\b", "2"),
    (r"\b(a few|few)\b", "3"),
    (r"\b(a )?fortnight today\b", "in 2 weeks"),
    (r"\b(a )?fortnight\b", "2 weeks"),
    (r"\b(this|next) weekend\b", "saturday"),
    (r"\blast weekend\b", "last saturday"),
    (r"\bfirst thing\b", "morning"),
    (r"\blast night\b", "yesterday evening"),
    (r"\bthis (morning|afternoon|evening)\b", r"today \1"),
    (r"\b(earlier( today)?|just now|an? (few )?hours? ago|\d+ hours? ago)\b", "today"),
    (r"\b(next|this coming|coming|this) (" + _WEEKDAY + r")\b", r"\2"),
    (r"\blast (" + _WEEKDAY + r")\b", r"\1"),
    (r"\b(\d{1,2})\s*ish\b", r"at \1 HOUR"),
    (r"\b(around|about|from|after|at|by|before)\s+(\d{1,2})(?!\s*[:.]?\d|\s*(am|pm|a\.m|p\.m))\b", r"at \2 HOUR"),
]


@dataclass(frozen=True)
class When:
    """A day, and if the patient said so, a time or a part of the day."""

    day: dt.date
    time: dt.time | None = None
    window: str | None = None
    flexible: str | None = None  # the patient's own words when this day is the first that fits them

    def describe(self) -> str:
        text = self.day.strftime("%A %-d %B")
        if self.time:
            text += self.time.strftime(" at %-I:%M %p").replace(":00", "").replace(" AM", "am").replace(" PM", "pm")
        elif self.window:
            text += f" ({self.window})"
        if self.flexible:
            text += f', the first time that fits "{self.flexible}"'
        return text


@dataclass(frozen=True)
class Flexible:
    """A standing preference rather than one day ("any weekday after 6", "saturday mornings"): the
    booking form offers the first opening that fits it, and the practitioner sees the patient's words."""

    weekdays: tuple[int, ...]
    after: dt.time | None = None
    before: dt.time | None = None
    window: str | None = None
    words: str = ""


_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ANY_DAY = re.compile(r"\b(any ?(day|time)|anytime|whenever|flexible|(i )?(don't|do not|dont) mind)\b")
_WEEKDAYS = re.compile(r"\b(week ?days?|during the week|mon(day)?s? ?(-|to|till|until|through) ?fri(day)?s?)\b")
_WEEKENDS = re.compile(r"\bweek ?ends?\b")
_SOME_DAYS = re.compile(r"\b(any|every|or)\b|\b(mon|tues|wednes|thurs|fri|satur|sun)days\b")
_NOT = re.compile(r"\b(not|no|can't|cant|cannot|can not|never|except|apart from|other than|unless)\b")
_ONE_DAY = re.compile(r"\b(today|tonight|tomorrow|tmrw|yesterday|next week|this week|\d{1,2}(st|nd|rd|th))\b")
_CLOCK = r"(\d{1,2})(?:[:.](\d\d))?\s*(am|pm|a\.m\.|p\.m\.)?"
_AFTER = re.compile(r"\b(after|from|later than)\s+" + _CLOCK)
_BEFORE = re.compile(r"\b(before|until|till|by|earlier than)\s+" + _CLOCK)


def _clock(match: re.Match) -> dt.time | None:
    hour, minute, half = int(match.group(2)), int(match.group(3) or 0), (match.group(4) or "").replace(".", "")
    if half == "pm" and hour < 12 or not half and 1 <= hour <= 7:  # "after 6" in clinic hours is 6pm
        hour += 12
    return dt.time(hour, minute) if hour < 24 and minute < 60 else None


def parse_flexible(text: str) -> Flexible | None:
    """A standing preference in the patient's words, or None when the text names no days that way."""
    lowered = " " + re.sub(r"\s+", " ", (text or "").lower()) + " "
    if len(lowered) > 200:
        return None
    if _ONE_DAY.search(lowered) or _MONTH.search(lowered):  # "any time tomorrow" names one day
        return None
    if _NOT.search(lowered):  # "I can't do mornings", "any day except Monday": asked again, not guessed
        return None
    named = tuple(i for i, name in enumerate(_DAY_NAMES) if re.search(rf"\b{name}", lowered))
    if _WEEKDAYS.search(lowered):
        days: tuple[int, ...] = (0, 1, 2, 3, 4)
    elif _WEEKENDS.search(lowered):
        days = (5, 6)
    elif named and (_SOME_DAYS.search(lowered) or _ANY_DAY.search(lowered)):
        days = named
    elif _ANY_DAY.search(lowered) or re.search(
        r"\b(any|every) (morning|afternoon|evening|lunchtime)\b|"
        r"\b(mornings|afternoons|evenings|lunchtimes)\b",
        lowered,
    ):
        days = tuple(range(7))
    else:
        return None
    window = next((name for name in WINDOWS if re.search(rf"\b{name}s?\b", lowered)), None)
    after, before = _AFTER.search(lowered), _BEFORE.search(lowered)
    return Flexible(
        weekdays=days,
        after=_clock(after) if after else None,
        before=_clock(before) if before else None,
        window=window,
        words=re.sub(r"\s+", " ", text).strip()[:80],
    )


def parse_when(text: str, local_now: dt.datetime, prefer: str = "future") -> When | None:
    """Parse a patient's time expression; None when there is no recognisable day in it.

    `local_now` is aware, in the clinic's zone; `prefer` is "future" (appointments) or "past"
    (a treatment already done) for expressions like "Friday" or "the 3rd".
    """
    cleaned = " " + (text or "").lower().strip() + " "
    if not cleaned.strip() or len(cleaned) > 200:
        return None
    for pattern, replacement in _SUBSTITUTIONS:
        cleaned = re.sub(pattern, replacement, cleaned)
    cleaned = re.sub(r"\blunch ?time\b|\blunch\b", "lunchtime", cleaned)
    window = None
    for name in WINDOWS:
        if re.search(rf"\b{name}\b", cleaned):
            window = name
            cleaned = re.sub(rf"\b(in the |this |the )?{name}\b", " ", cleaned)
    bare_hour = re.search(r"at (\d{1,2}) HOUR", cleaned)
    if bare_hour:  # "at 4" means 4pm in clinic hours, "at 10" means 10am
        hour = int(bare_hour.group(1))
        fixed = f"{hour}pm" if 1 <= hour <= 7 else f"{hour}am" if hour <= 12 else f"{hour}:00"
        cleaned = cleaned.replace(bare_hour.group(0), f"at {fixed}")
    cleaned = re.sub(r"\b(on|the|my|is|was|it's|its|i|had|around|about|ish|please|pls)\b", " ", cleaned)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" ,.!?")
    if not cleaned:
        return None
    naive_now = local_now.replace(tzinfo=None)
    settings = {
        "PREFER_DATES_FROM": prefer,
        "RELATIVE_BASE": naive_now,
        "RETURN_TIME_AS_PERIOD": True,
        "DATE_ORDER": "DMY",
        "PREFER_DAY_OF_MONTH": "first",
        "STRICT_PARSING": False,
    }
    parser = dateparser.date.DateDataParser(languages=["en"], settings=settings)
    data = parser.get_date_data(cleaned)
    if data.date_obj is None:  # words around the day ("monday if possible"): let dateparser find it
        found = _day_inside(cleaned, settings)
        if found is None:
            return None
        cleaned = found
        data = parser.get_date_data(cleaned)
        if data.date_obj is None:
            return None
    parsed = data.date_obj.replace(tzinfo=None)
    day = parsed.date()
    explicit_month = bool(_MONTH.search(cleaned))
    # "the 3rd" with no month: dateparser picks this month even when that day has passed.
    if (
        not explicit_month
        and re.search(r"\b\d{1,2}(st|nd|rd|th)?\b", cleaned)
        and not re.search(r"\b(ago|in|days?|weeks?)\b", cleaned)
        and data.period == "day"
    ):
        if prefer == "future" and day < naive_now.date():
            day = _shift_month(day, +1)
        elif prefer == "past" and day > naive_now.date():
            day = _shift_month(day, -1)
    time = parsed.time() if data.period == "time" else None
    return When(day=day, time=time, window=None if time else window)


# A found piece counts only when it names a day: dateparser's search also reads "may" in "I may
# come" as May, "at 6pm" alone as today, and the digits of a phone number as a year.
_NAMES_A_DAY = re.compile(r"\b" + _WEEKDAY + r"\b|\b(today|tomorrow|yesterday)\b|\b\d{1,2}(st|nd|rd|th)\b")


def _day_inside(cleaned: str, settings: dict) -> str | None:
    """The first piece of the text that dateparser's search reads as a day, or None."""
    try:
        found = search_dates(cleaned, languages=["en"], settings=settings) or []
    except Exception:  # dateparser's search can fail on odd input; the caller then asks again
        return None
    for piece, _ in found:
        if _NAMES_A_DAY.search(piece):
            return piece
    return None


def _shift_month(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    try:
        return day.replace(year=year, month=month)
    except ValueError:
        return day
