"""Session start: load the clinic's details into slots and say once that this is an automation.

Overrides Rasa's default action_session_start. Its reply is sent with the answer to the patient's
first message, so the disclaimer opens every conversation exactly once per session.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ClinicAction
from clinic.profile import ClinicProfile, profile
from clinic.response_slots import SLOT_NAMES, response_slots


def clinic_slots(clinic: ClinicProfile) -> list[SlotSet]:
    """Slots that responses in domain.yml interpolate ({clinic_phone}, ...), from clinic.yml and the catalogue."""
    return [SlotSet(slot, value) for slot, value in response_slots(clinic).items()]


class ActionSessionStart(ClinicAction):
    action_name = "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        clinic = profile()
        events: list[EventType] = [SessionStarted()]
        # Keep what the patient already told us in an earlier session (e.g. a half-finished form).
        if domain.get("session_config", {}).get("carry_over_slots_to_new_session", True):
            events.extend(
                SlotSet(key, value)
                for key, value in tracker.current_slot_values().items()
                if value is not None and key not in SLOT_NAMES
            )
        events.extend(clinic_slots(clinic))
        dispatcher.utter_message(response="utter_disclaimer", clinic_name=clinic.name)
        events.append(ActionExecuted("action_listen"))
        return events
