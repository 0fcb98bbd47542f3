"""The clinic profile (clinic.yml): load it once, validate it, and explain clearly what is wrong.

Every action that needs clinic facts (contact, hours, practitioners) reads them from here, so a clinic
changes one readable file and nothing else. Validation uses pydantic (shipped with Rasa) so that a typo
stops the action server at start-up instead of surfacing as a broken reply to a patient.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, EmailStr, Field, ValidationError, validator

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
PROFILE_ENV = "CLINIC_PROFILE"
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "clinic.yml"
_HOURS = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


class ProfileError(RuntimeError):
    """clinic.yml is missing or invalid; the message names the field and the problem."""


def _phone(value: str, region: str = "GB") -> str:
    import phonenumbers

    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not a phone number: {exc}") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number")
    return value


class Practitioner(BaseModel):
    role: str = Field(..., min_length=2)
    email: EmailStr
    treatments: list[str] = Field(..., min_items=1)
    weekdays: list[str] = Field(..., min_items=1)

    @validator("weekdays", each_item=True)
    def _weekday(cls, day: str) -> str:
        if day.lower() not in WEEKDAYS:
            raise ValueError(f"'{day}' is not a weekday (use monday ... sunday)")
        return day.lower()


class CheckinSettings(BaseModel):
    """When post-treatment check-ins go out (only to patients who asked for them)."""

    after_days: list[int] = Field(default=[2, 21], min_items=1)
    send_between: str = "10:00-19:00"  # clinic local time; a check-in due outside waits for the window

    @validator("after_days")
    def _days(cls, days: list[int]) -> list[int]:
        if any(d < 1 or d > 90 for d in days) or len(set(days)) != len(days):
            raise ValueError("days after the treatment must be different whole numbers from 1 to 90")
        return sorted(days)

    @validator("send_between")
    def _window(cls, text: str) -> str:
        if _parse_span(text) is None:
            raise ValueError(f"'{text}' must look like 10:00-19:00")
        return text

    def window(self) -> tuple[dt.time, dt.time]:
        span = _parse_span(self.send_between)
        assert span is not None  # _window checked it
        return span


class HandoffSettings(BaseModel):
    """A patient's request for a person in opening hours (the staff app's live chats)."""

    # Nobody took the chat within this many minutes: the patient is offered a call-back request.
    wait_minutes: float = Field(default=3, gt=0, le=120)


class Treatment(BaseModel):
    """The treatment the assistant is about: its name as the practitioners' `treatments` give it."""

    name: str = Field(..., min_length=2)


class ClinicProfile(BaseModel):
    name: str = Field(..., min_length=2)
    address: str = Field(..., min_length=5)
    phone: str
    email: EmailStr
    urgent_phone: str
    emergency_number: str = Field(..., regex=r"^\d{2,4}$")
    country: str = Field(..., regex=r"^[A-Z]{2}$")
    timezone: str
    treatment: Treatment
    opening_hours: dict[str, str]
    closures: list[dt.date] = []
    practitioners: list[Practitioner] = Field(..., min_items=1)
    booking_lead_time_hours: int = Field(..., ge=0, le=24 * 60)
    data_retention_days: int = Field(..., ge=1, le=3650)
    checkins: CheckinSettings = CheckinSettings()
    handoff: HandoffSettings = HandoffSettings()

    @validator("phone", "urgent_phone")
    def _valid_phone(cls, value: str, values: dict) -> str:
        return _phone(value, values.get("country") or "GB")

    @validator("timezone")
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}' (use e.g. Europe/London)") from None
        return value

    @validator("opening_hours")
    def _hours(cls, hours: dict[str, str]) -> dict[str, str]:
        unknown = set(hours) - set(WEEKDAYS)
        if unknown:
            raise ValueError(f"unknown weekday(s): {', '.join(sorted(unknown))}")
        missing = [d for d in WEEKDAYS if d not in hours]
        if missing:
            raise ValueError(f"missing weekday(s): {', '.join(missing)}")
        for day, text in hours.items():
            if str(text).strip().lower() == "closed":
                continue
            span = _parse_span(str(text))
            if span is None:
                raise ValueError(f"{day}: '{text}' must look like 09:00-18:00 or 'closed'")
        return hours

    def hours_on(self, weekday: str) -> tuple[dt.time, dt.time] | None:
        """Opening and closing time on a weekday, or None when closed."""
        text = str(self.opening_hours[weekday]).strip()
        return None if text.lower() == "closed" else _parse_span(text)


def _parse_span(text: str) -> tuple[dt.time, dt.time] | None:
    match = _HOURS.match(text.strip())
    if not match:
        return None
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    try:
        start, end = dt.time(h1, m1), dt.time(h2, m2)
    except ValueError:
        return None
    return (start, end) if start < end else None


def load_profile(path: Path | None = None) -> ClinicProfile:
    """Read and validate a profile file; raise ProfileError with a readable message."""
    path = Path(path or os.environ.get(PROFILE_ENV) or DEFAULT_PATH)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"clinic profile not found: {path}") from None
    except yaml.YAMLError as exc:
        raise ProfileError(f"clinic profile {path} is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ProfileError(f"clinic profile {path} must be a mapping of fields")
    try:
        return ClinicProfile(**raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        raise ProfileError(f"clinic profile {path} is invalid: {problems}") from None


# The domain's contact slots (responses say "call {clinic_phone}") and the profile field each holds.
# action_session_start sets them from clinic.yml; scripts/sync_domain.py writes the same values into
# domain.yml as the slots' initial values, for when the action server can't be reached.
CONTACT_SLOTS = {
    "clinic_name": "name",
    "clinic_phone": "phone",
    "clinic_email": "email",
    "clinic_address": "address",
    "clinic_urgent_phone": "urgent_phone",
    "emergency_number": "emergency_number",
}


def contact_slots(clinic: ClinicProfile) -> dict[str, str]:
    """Slot name -> the clinic's value, in CONTACT_SLOTS order."""
    return {slot: getattr(clinic, field) for slot, field in CONTACT_SLOTS.items()}


@lru_cache(maxsize=1)
def profile() -> ClinicProfile:
    """The profile the action server runs with (read once per process)."""
    return load_profile()
