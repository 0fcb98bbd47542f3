"""Opening hours, address and contact, and whether the clinic is open right now.

"Open now" and "opens next" come from clinic.hours (clinic time zone, weekday hours, closures).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ClinicAction
from clinic import clock, content, hours, topics
from clinic.profile import ClinicProfile, profile


def clinic_info_message(clinic: ClinicProfile, now: dt.datetime) -> str:
    def line(key: str, **values: str) -> str:
        return content.text("replies", f"clinic_info.{key}", **values)

    lines = [
        hours.status_line(clinic, now),
        "",
        line("address", clinic_name=clinic.name, address=clinic.address),
        line("phone", phone=clinic.phone),
        line("email", email=clinic.email),
        "",
        line("hours_heading"),
        hours.weekly_hours(clinic),
    ]
    closures = hours.upcoming_closures(clinic, now)
    if closures:
        lines.append(line("closures", closures=closures))
    lines.append(line("urgent", urgent_phone=clinic.urgent_phone))
    return "\n".join(lines)


class ActionClinicInfo(ClinicAction):
    action_name = "action_clinic_info"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(
            text=clinic_info_message(profile(), clock.now()),
            buttons=[topics.button(label) for label in content.entry("replies", "clinic_info.buttons")],
        )
        return []
