"""The reply to a reported warning sign: it wins over everything, forms included.

The Rasa server's warning-sign check (components/warning_signs.py) decides that a message is a report
and at which level: emergency (call the emergency number now), urgent (the clinic's urgent line now)
or clinic (ring the clinic in opening hours). The words come from the warning-sign catalogue through
clinic/warning_signs.py. A report without a level (the check-in's "Something worries me" button)
gets the urgent reply. It never diagnoses and never reassures about a warning sign.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import languages
from actions.base import ClinicAction
from actions.form_base import reset_booking_slots
from clinic import clock, live_chats, warning_signs
from clinic.profile import profile


def reported_level(tracker: Tracker) -> str | None:
    """The level the warning-sign check gave the latest message, if it checked one."""
    found = tracker.latest_message.get("warning_sign") or {}
    return found.get("level") if found.get("reported") else None


def treated_on(tracker: Tracker) -> dt.date | None:
    """The treatment date a check-in set, if this conversation has one."""
    try:
        return dt.date.fromisoformat(str(tracker.get_slot("treated_on")))
    except ValueError:
        return None


class ActionUrgentCare(ClinicAction):
    action_name = "action_urgent_care"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        clinic = profile()
        level = reported_level(tracker)
        code = languages.message_language(tracker)
        in_language = languages.urgent_reply(code, level, clinic) if code else None
        if in_language:  # a warning sign named in another language: the reply in that language
            dispatcher.utter_message(text=in_language)
        else:
            dispatcher.utter_message(text=warning_signs.report_reply(level, clinic, treated_on(tracker), clock.now()))
        if tracker.get_slot("handoff_active"):  # a person has this chat: flag it in the staff app at once
            await asyncio.to_thread(live_chats.flag_warning, tracker.sender_id, level)
        if level == "clinic" and not in_language:  # not an emergency on its own: the signs that would make it one
            dispatcher.utter_message(text=warning_signs.watch_for(clinic))
        if tracker.active_loop_name:
            dispatcher.utter_message(text=warning_signs.form_paused())
            return reset_booking_slots(tracker)
        return []


class ActionWarningSigns(ClinicAction):
    """ "What should I watch out for after?": the signs, and whom to call for each."""

    action_name = "action_warning_signs"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(text=warning_signs.watch_for_answer(profile()))
        return []
