"""Before- and after-treatment care, tailored to when the treatment is or was.

The checklists and timing notes are in data/content/care.yml. The patient's time expression comes
from the `treatment_time` entity (or, failing that, the whole message) and is read with dateparser in
the clinic's time zone: "yesterday" means yesterday in the clinic, not on the server.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ClinicAction
from clinic import clock, content, hours, topics, warning_signs
from clinic.profile import ClinicProfile, profile
from clinic.when import parse_when

PRE, POST = "pre_treatment", "post_treatment"


def treatment_day(tracker: Tracker, local_now: dt.datetime, prefer: str) -> dt.date | None:
    """The day the patient means (treatment_time entity of this message); None if not said."""
    # Only this message's entities: a day mentioned earlier (e.g. in a booking) is not the treatment.
    candidates = list(tracker.get_latest_entity_values("treatment_time"))
    for text in candidates:
        when = parse_when(str(text), local_now, prefer)
        if when:
            return when.day
    return None


def timing_key(kind: str, day: dt.date | None, today: dt.date) -> tuple[str, str]:
    """Which timing note applies; may switch to the other checklist (a past "appointment")."""
    if day is None:
        return kind, "no_time"
    days = (day - today).days
    if kind == PRE:
        if days < 0:
            return POST, "already_past"
        return PRE, "today" if days == 0 else "tomorrow" if days == 1 else "this_week" if days <= 7 else "later"
    if days > 0:
        return POST, "upcoming"
    ago = -days
    return POST, "today" if ago == 0 else "first_days" if ago <= 2 else "first_weeks" if ago <= 13 else "later"


def care_message(
    kind: str, day: dt.date | None, clinic: ClinicProfile, now: dt.datetime
) -> tuple[str, list[dict[str, str]]]:
    """The text and follow-up buttons for a care answer."""
    texts = content.load("care")
    today = hours.local_now(clinic, now).date()
    shown, key = timing_key(kind, day, today)
    values = {
        "day": day.strftime("%A %-d %B") if day else "",
        "days": abs((day - today).days) if day else "",
        "ago": _distance(today, day) if day else "",
        "ahead": _distance(today, day) if day else "",
        "phone": clinic.phone,
        "urgent_phone": clinic.urgent_phone,
        "emergency_number": clinic.emergency_number,
        "clinic_name": clinic.name,
    }
    parts = []
    if key == "already_past":
        parts.append(texts[PRE]["timing"][key].format(**values))
        shown, key = timing_key(POST, day, today)
    section = texts[shown]
    note = section["timing"][key].format(**values)
    header = section["title"] + ":"
    checklist = "\n".join(f"- {item}" for item in section["checklist"])
    parts.extend(
        p
        for p in (note, header + "\n" + checklist, section["closing"].format(**values), warning_signs.watch_for(clinic))
        if p
    )
    return "\n\n".join(parts), [topics.button(label) for label in texts["buttons"][shown]]


def _distance(today: dt.date, day: dt.date) -> str:
    """'yesterday', '3 days ago', 'tomorrow', 'in 5 days'."""
    days = (day - today).days
    if days == -1:
        return content.text("replies", "dates.yesterday")
    if days == 1:
        return content.text("replies", "dates.tomorrow")
    if days < 0:
        return content.text("replies", "dates.days_ago", days=-days)
    return content.text("replies", "dates.in_days", days=days) if days > 0 else content.text("replies", "dates.today")


class _CareAnswer:
    """Shared by the two care actions (not an Action itself, so the SDK does not register it)."""

    kind = PRE
    prefer = "future"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        clinic, now = profile(), clock.now()
        day = treatment_day(tracker, hours.local_now(clinic, now), self.prefer)
        text, buttons = care_message(self.kind, day, clinic, now)
        dispatcher.utter_message(text=text, buttons=buttons)
        return [SlotSet("treatment_time", None)]


class ActionPreTreatmentCare(_CareAnswer, ClinicAction):
    kind, prefer = PRE, "future"
    action_name = "action_pre_treatment_care"


class ActionPostTreatmentCare(_CareAnswer, ClinicAction):
    kind, prefer = POST, "past"
    action_name = "action_post_treatment_care"
