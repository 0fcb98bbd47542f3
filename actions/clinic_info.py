"""Opening hours, address and contact, and whether the clinic is open right now.

"Open now" and "opens next" come from clinic.hours (clinic time zone, weekday hours, closures).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from clinic import clock, hours
from clinic.profile import ClinicProfile, profile


def clinic_info_message(clinic: ClinicProfile, now: dt.datetime) -> str:
    lines = [hours.status_line(clinic, now), "", f"{clinic.name}, {clinic.address}",
             f"Phone: {clinic.phone}", f"E-mail: {clinic.email}", "", "Opening hours:",
             hours.weekly_hours(clinic)]
    closures = hours.upcoming_closures(clinic, now)
    if closures:
        lines.append(f"Closed on {closures}.")
    lines.append(f"If you're worried after a treatment, the urgent line is {clinic.urgent_phone}, "
                 "after hours too.")
    return "\n".join(lines)


class ActionClinicInfo(Action):
    def name(self) -> Text:
        return "action_clinic_info"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(
            text=clinic_info_message(profile(), clock.now()),
            buttons=[{"title": "Book an appointment", "payload": "/book_appointment"},
                     {"title": "Talk to a person", "payload": "/request_human"}])
        return []
