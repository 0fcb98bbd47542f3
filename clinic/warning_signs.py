"""Every safety text the patient reads, built from the warning-sign catalogue (data/content/warning_signs.yml).

One catalogue, many places: the reply to a reported warning sign (at its level), the "what should I
watch out for?" list, the closing lines of every care answer and the check-in replies all come from
here, so a clinic changes a warning in one file. The level of a report is decided by the warning-sign
check in the Rasa server (components/warning_signs.py) and arrives in the parse result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from clinic import content, hours
from clinic.profile import ClinicProfile

LEVELS = ("emergency", "urgent", "clinic")


def catalogue() -> dict[str, Any]:
    return content.load("warning_signs")["warning_signs"]


def _values(clinic: ClinicProfile) -> dict[str, str]:
    return {
        "emergency_number": clinic.emergency_number,
        "urgent_phone": clinic.urgent_phone,
        "phone": clinic.phone,
        "clinic_name": clinic.name,
    }


def signs_at(level: str) -> list[str]:
    """The catalogue's signs of every kind at this level, in catalogue order."""
    return [kind["signs"] for kind in catalogue()["kinds"].values() if kind["level"] == level]


def watch_for(clinic: ClinicProfile) -> str:
    """When to call whom, level by level: the closing lines of care answers and check-in replies."""
    headings, values = catalogue()["texts"]["watch_for"], _values(clinic)
    parts = [
        headings[level].format(**values) + "".join(f"\n- {signs}" for signs in signs_at(level))
        for level in ("emergency", "urgent")
    ]
    parts.append(when_to_call_clinic(clinic))
    return "\n".join(parts)


def when_to_call_clinic(clinic: ClinicProfile) -> str:
    """The clinic-level line: which lasting effects to ring the clinic about, in opening hours. It also
    closes the FAQ answers on downtime and side effects (slot `when_to_call_clinic`), because a lasting
    effect told as a question ("how long should the swelling last? it's been a week") can be taken for
    that question: v19's one missed report, 2026-12-06."""
    headings = catalogue()["texts"]["watch_for"]
    return headings["clinic"].format(clinic_signs=" or ".join(signs_at("clinic")), **_values(clinic))


# Slots that domain.yml's responses interpolate with a catalogue text: scripts/sync_domain.py writes their
# defaults, the session start (actions/session.py) sets them.
SAFETY_SLOTS: dict[str, Callable[[ClinicProfile], str]] = {"when_to_call_clinic": when_to_call_clinic}


def safety_slots(clinic: ClinicProfile) -> dict[str, str]:
    """Slot name -> its text for this clinic."""
    return {slot: text(clinic) for slot, text in SAFETY_SLOTS.items()}


def watch_for_answer(clinic: ClinicProfile) -> str:
    """The answer to "what should I watch out for after the treatment?"."""
    return catalogue()["texts"]["watch_for_intro"] + "\n\n" + watch_for(clinic)


def report_reply(
    level: str | None, clinic: ClinicProfile, treated_on: dt.date | None = None, now: dt.datetime | None = None
) -> str:
    """The reply to a reported warning sign at its level (urgent when the level is unknown)."""
    levels = catalogue()["levels"]
    level = level if level in LEVELS else "urgent"
    section = levels[level]
    if level != "clinic":
        return section["reply"].format(**_values(clinic))
    when = (
        content.text("replies", "treated_on", treatment=clinic.treatment.name, day=f"{treated_on:%A %-d %B}")
        if treated_on
        else ""
    )
    opening = (
        section["open_now"]
        if hours.is_open(clinic, now)
        else section["opens_next"].format(next=hours.opens_next_phrase(clinic, now))
    )
    return section["reply"].format(when=when, opening=opening, **_values(clinic))


def form_paused() -> str:
    return catalogue()["texts"]["form_paused"]
