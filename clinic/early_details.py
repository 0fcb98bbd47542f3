"""Details a patient gave before the form asked for them: "I'm Priya Shah, can I book for Friday?".

Patients often start with everything at once ("check BR-7KQ4XP, my e-mail is sam@example.com"). The
booking and lookup forms read the conversation so far (this session's patient messages, as typed) and
fill what they find, so the form confirms those details instead of asking again (issue 18, item 3).

Only what passes the same validators as a typed answer is taken (phonenumbers, email-validator,
dateparser through clinic.validators); a malformed e-mail or a half phone number is left for the form
to ask. A name is taken only where the patient introduces themselves ("my name is…", "I'm Priya
Shah", "Daniel Okafor here"); a preferred day only from a message asking to book, so "I had it last
Monday" never becomes an appointment wish.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from clinic import content, store, validators
from clinic.profile import ClinicProfile
from clinic.when import When

# The patient introduces themselves. Either an explicit "my name is" (any case), or a softer "I'm …" /
# "it's …" / "… here" followed by two capitalised words as typed (so "I'm looking to book" is no name).
_NAME_WORD = r"[A-Z][^\W\d_]*(?:['’-][A-Za-z][^\W\d_]*)?"
_EXPLICIT_NAME = re.compile(
    r"\b(?:my name is|my name's|name is|name's)\s+([^\W\d_]+(?:['’-][^\W\d_]+)?"
    r"(?:\s+[^\W\d_]+(?:['’-][^\W\d_]+)?){0,2})",
    re.IGNORECASE,
)
_INTRODUCED = re.compile(
    r"(?:\b(?:[Ii]'m|[Ii]’m|[Ii]m|I am|i am|[Ii]t's|[Ii]t’s|[Ii]ts|[Tt]his is)\s+)"
    rf"({_NAME_WORD}(?:\s+{_NAME_WORD}){{1,2}})"
)
_SIGNED_IN = re.compile(
    rf"(?:^|[,.!]\s*|\b(?:[Hh]i|[Hh]ello|[Hh]ey)[,!]?\s+)({_NAME_WORD}(?:\s+{_NAME_WORD}){{1,2}})\s+here\b"
)
# Words that end a name in "my name is sam and i'd like…".
_AFTER_NAME = {
    "and",
    "but",
    "i",
    "im",
    "i'm",
    "can",
    "could",
    "would",
    "want",
    "wanted",
    "please",
    "pls",
    "here",
    "from",
    "my",
    "id",
    "i'd",
    "looking",
    "booking",
    "to",
    "with",
    "for",
    "thanks",
    "thank",
}

# A day the patient would like, with a time or part of the day next to it.
_WEEKDAY = r"(?:mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?"
_DAY = re.compile(
    rf"\b(?:(?:next|this|coming)\s+)?(?:{_WEEKDAY}|tomorrow|tmrw|today|this weekend|next weekend|"
    r"\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\s+\d{1,2}(?:st|nd|rd|th)?|"
    r"\d{1,2}/\d{1,2})\b",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\b(?:(?:at|from|after|around|about)\s+)?\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|"
    r"\b(?:at|from|after|around|about)\s+\d{1,2}(?:[:.]\d{2})?\b|"
    r"\b(?:morning|afternoon|evening|lunchtime|lunch time|lunch)\b",
    re.IGNORECASE,
)
_BOOKING_WORDS = re.compile(r"\b(?:book|booking|appointment|appt|slot|come in|come on)\b", re.IGNORECASE)
_PAST = re.compile(r"\b(?:last|ago|had|was|did|yesterday)\b", re.IGNORECASE)
_REFERENCE = re.compile(r"\bBR-?[A-Z0-9]{6}\b", re.IGNORECASE)
_EMAIL_LIKE = re.compile(r"\S+@\S+")


def patient_messages(tracker: Any) -> list[dict[str, Any]]:
    """This session's patient messages, oldest first, as the tracker holds them (text as typed)."""
    messages: list[dict[str, Any]] = []
    for event in tracker.events or []:
        if event.get("event") == "session_started":
            messages = []
        elif event.get("event") == "user" and not (event.get("text") or "").startswith("/"):
            messages.append(event)
    return messages


def name_in(text: str) -> str | None:
    """The name a patient introduced themselves with, validated like a typed answer."""
    found = _EXPLICIT_NAME.search(text)
    if found:
        words = []
        for word in found.group(1).split():
            if word.lower() in _AFTER_NAME:
                break
            words.append(word)
        candidate = " ".join(words)
    else:
        found = _INTRODUCED.search(text) or _SIGNED_IN.search(text)
        if not found:
            return None
        candidate = found.group(1)
    name, problem = validators.validate_name(candidate)
    return None if problem else str(name)


def contact_in(text: str, region: str, phone_only: bool = False) -> str | None:
    """A valid phone number (E.164) or, unless phone_only, e-mail address anywhere in the message."""
    candidates = [m.group(0).strip(".,;:!?") for m in _EMAIL_LIKE.finditer(text)] if not phone_only else []
    # The text without e-mail-like words, so a malformed address is not read as a phone number.
    rest = _EMAIL_LIKE.sub(" ", text)
    for candidate in candidates + [rest]:
        value, problem = validators.validate_contact(candidate, region, phone_only)
        if not problem:
            return str(value)
    return None


def reference_in(text: str) -> str | None:
    for found in _REFERENCE.finditer(text):
        reference = store.normalise_reference(found.group(0))
        if reference:
            return reference
    return None


def wished_time_in(text: str, clinic: ClinicProfile, now: dt.datetime) -> tuple[When | None, str | None]:
    """A bookable day (and time) in a message asking to book ("can I come Saturday morning?"), or why the
    day it names can't be booked ("Sorry, we're closed on Sundays."); (None, None) when it names none."""
    day = _DAY.search(text)
    if not day or _PAST.search(text[max(0, day.start() - 12) : day.start()]):
        return None, None
    nearby = text[max(0, day.start() - 25) : day.end() + 25]
    times = [m.group(0) for m in _TIME.finditer(nearby)]
    phrase = " ".join([day.group(0)] + times[:1])
    when, problem = validators.validate_preferred_time(phrase, clinic, now)
    return (None, problem) if problem else (when, None)


def latest(found: Iterable[Any | None]) -> Any | None:
    """The most recent value found (a patient who corrects themselves means the later one)."""
    value = None
    for item in found:
        if item is not None:
            value = item
    return value


def booking_details(
    tracker: Any, clinic: ClinicProfile, now: dt.datetime, phone_only: bool, booking_intents: Iterable[str]
) -> dict[str, Any]:
    """Slot values for the booking form from what the patient already wrote (only those found).

    A day wished for that can't be booked comes back as `time_problem`, for the patient to hear why
    the form asks for a day after all."""
    messages = patient_messages(tracker)
    texts = [m.get("text") or "" for m in messages]
    details: dict[str, Any] = {}
    name = latest(name_in(t) for t in texts)
    if name:
        details["patient_name"] = name
    contact = latest(contact_in(t, clinic.country, phone_only) for t in texts)
    if contact:
        details["patient_contact"] = contact
    if not phone_only:
        wishes = [
            t
            for m, t in zip(messages, texts)
            if ((m.get("parse_data") or {}).get("intent") or {}).get("name") in set(booking_intents)
            or _BOOKING_WORDS.search(t)
        ]
        found = [wished_time_in(t, clinic, now) for t in wishes]
        when = latest(w for w, _ in found)
        problem = latest(p for _, p in found)
        if problem and not when:
            details["time_problem"] = problem
        if when:
            details.update(
                {
                    "preferred_time": when.describe(),
                    "preferred_start": dt.datetime.combine(when.day, when.time).isoformat(),
                    "preferred_window": when.window,
                }
            )
    return details


def lookup_details(tracker: Any, clinic: ClinicProfile) -> dict[str, Any]:
    """The reference and contact for a status or cancel look-up from what the patient already wrote."""
    texts = [m.get("text") or "" for m in patient_messages(tracker)]
    details: dict[str, Any] = {}
    reference = latest(reference_in(t) for t in texts)
    if reference:
        details["booking_reference"] = reference
    contact = latest(contact_in(t, clinic.country) for t in texts)
    if contact:
        details["lookup_contact"] = contact
    return details


def noted(details: dict[str, Any]) -> str | None:
    """The line that tells the patient what was taken from their messages."""

    def said(key: str, **values: Any) -> str:
        return content.text("booking", f"noted.{key}", **values)

    parts = []
    if details.get("patient_name"):
        parts.append(said("name", name=details["patient_name"]))
    if details.get("patient_contact"):
        kind = said("email" if validators.contact_kind(details["patient_contact"]) == "email" else "phone")
        parts.append(said("contact", kind=kind, contact=details["patient_contact"]))
    if details.get("preferred_time"):
        parts.append(said("time", time=details["preferred_time"]))
    if not parts:
        return None
    listed = parts[0] if len(parts) == 1 else said("separator").join(parts[:-1]) + said("last_separator") + parts[-1]
    return said("said", details=listed)
