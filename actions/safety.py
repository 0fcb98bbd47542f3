"""Urgent guidance when a patient describes a reaction: it wins over everything, forms included.

The wording lives in data/content/safety.yml. The action only chooses between "call emergency
services now" (airway, severe allergy signs) and "call the clinic's urgent line now". It never
diagnoses and never reassures about a warning sign.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import content
from actions.booking_slots import reset_booking_slots
from actions.profile import ClinicProfile, profile


def is_emergency(text: str) -> bool:
    lowered = (text or "").lower()
    return any(re.search(pattern, lowered) for pattern in content.load("safety")["emergency_patterns"])


def urgent_message(text: str, clinic: ClinicProfile) -> str:
    texts = content.load("safety")
    key = "emergency" if is_emergency(text) else "urgent"
    return texts[key].format(emergency_number=clinic.emergency_number, urgent_phone=clinic.urgent_phone,
                             clinic_name=clinic.name)


class ActionUrgentCare(Action):
    def name(self) -> Text:
        return "action_urgent_care"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(text=urgent_message(tracker.latest_message.get("text", ""), profile()))
        if tracker.active_loop_name:
            dispatcher.utter_message(text=content.load("safety")["form_paused"])
            return reset_booking_slots(tracker)
        return []
