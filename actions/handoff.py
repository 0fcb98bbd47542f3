"""Talking to a person: hand over during opening hours, take a call-back request after hours.

During opening hours the chat is put in the staff app's live chats (clinic/live_chats.py), where a
staff member takes it and answers in this chat; the patient also gets the clinic's phone and e-mail,
and the assistant goes quiet (slot handoff_active; components/handoff_policy.py keeps it silent) until
the staff member hands back or the patient asks for the bot back.
After hours the booking form starts in call-back mode, so the request is stored and e-mailed like a
booking.
"""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ClinicAction
from clinic import clock, content, hours, live_chats
from clinic.profile import profile


class ActionHandoff(ClinicAction):
    action_name = "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        clinic, now = profile(), clock.now()
        if hours.is_open(clinic, now):
            await asyncio.to_thread(live_chats.open_chat, tracker.sender_id, tracker.get_latest_input_channel())
            dispatcher.utter_message(
                text=content.text(
                    "replies", "handoff.open", clinic_name=clinic.name, phone=clinic.phone, email=clinic.email
                )
            )
            return [SlotSet("handoff_active", True), SlotSet("request_kind", None)]
        dispatcher.utter_message(
            text=content.text(
                "replies",
                "handoff.closed",
                opens_next=hours.opens_next_phrase(clinic, now),
                email=clinic.email,
                urgent_phone=clinic.urgent_phone,
            )
        )
        return [SlotSet("handoff_active", False), SlotSet("request_kind", "callback")]


class ActionResumeBot(ClinicAction):
    action_name = "action_resume_bot"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        await asyncio.to_thread(live_chats.close_for_sender, tracker.sender_id, "patient_asked_bot")
        dispatcher.utter_message(response="utter_bot_back")
        return [SlotSet("handoff_active", False)]
