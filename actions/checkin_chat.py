"""The chat side of post-treatment check-ins: the question, the answers, opting in and out.

The scheduler (clinic/checkins.py) triggers `EXTERNAL_checkin` with the check-in's day and the
treatment date as entities; the question goes to the patient's messaging app with three quick replies.
"All fine" gets the aftercare reminders for that stage, "Some redness" the catalogue's advice to call the clinic
(data/content/warning_signs.yml: such redness fades within hours) and the warning signs. "Something worries me" sends
`report_adverse_reaction`, and any described warning sign is caught by the warning-sign check: both
get the urgent-care reply. A typed "yes" or "thanks" right after a check-in counts as "All fine"
(rules). No answer is fine too.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import care
from actions.base import ClinicAction
from clinic import checkins, clock, content, warning_signs
from clinic.profile import profile


def _day_text(day: dt.date) -> str:
    return day.strftime("%A %-d %B")


def _checkin_dates(tracker: Tracker) -> tuple | None:
    """(treatment date, days after) from the check-in's slots, or None if they are missing."""
    try:
        treated = dt.date.fromisoformat(str(tracker.get_slot("treated_on")))
        days = int(float(tracker.get_slot("checkin_day")))
    except (TypeError, ValueError):
        return None
    return treated, days


class ActionCheckin(ClinicAction):
    """The scheduled question: how is your skin doing?"""

    action_name = "action_checkin"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        texts, clinic = content.load("checkins"), profile()
        dates = _checkin_dates(tracker)
        if dates is None:
            return []
        treated, days = dates
        dispatcher.utter_message(
            text=texts["question"].format(clinic_name=clinic.name, days=days, day=_day_text(treated)),
            buttons=texts["buttons"],
        )
        dispatcher.utter_message(text=texts["no_answer_needed"])
        return []


class ActionCheckinReply(ClinicAction):
    """The answer to "All fine" or "Some redness", for the stage the check-in was sent at."""

    action_name = "action_checkin_reply"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        texts, clinic = content.load("checkins"), profile()
        dates = _checkin_dates(tracker)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "checkin_redness":
            # With or without a check-in: the call to make, then the signs that need the urgent line.
            dispatcher.utter_message(
                text=warning_signs.report_reply("clinic", clinic, dates[0] if dates else None, clock.now())
            )
            dispatcher.utter_message(text=warning_signs.watch_for(clinic))
            return []
        if dates is None:  # "my skin is fine" without a check-in: thanks, and where to call
            dispatcher.utter_message(response="utter_checkin_unknown")
            return []
        treated, days = dates
        # The reminders as they read on the check-in's day (the patient is answering that message).
        that_day = dt.datetime.combine(treated + dt.timedelta(days=days), dt.time(12, 0), tzinfo=dt.timezone.utc)
        reminders, buttons = care.care_message(care.POST, treated, clinic, that_day)
        dispatcher.utter_message(text=texts["fine"])
        dispatcher.utter_message(text=reminders, buttons=buttons)
        return []


class ActionStartCheckins(ClinicAction):
    """The patient asks for check-ins (the button after booking, or in their own words later)."""

    action_name = "action_start_checkins"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        texts, clinic = content.load("checkins"), profile()
        channel = tracker.get_latest_input_channel()
        if channel not in checkins.CHANNELS:
            dispatcher.utter_message(text=texts["not_messaging"].format(phone=clinic.phone))
            return []
        reference = await asyncio.to_thread(checkins.opt_in, tracker.sender_id, channel, clinic)
        if reference is None:
            dispatcher.utter_message(text=texts["no_request"])
            return []
        days = clinic.checkins.after_days
        when = (
            " and ".join(f"{d} days" for d in days)
            if len(days) < 3
            else ", ".join(f"{d}" for d in days[:-1]) + f" and {days[-1]} days"
        )
        dispatcher.utter_message(text=texts["started"].format(when=when))
        return []


class ActionStopCheckins(ClinicAction):
    """ "Stop check-ins": no more messages, and the chat id is no longer kept."""

    action_name = "action_stop_checkins"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        await asyncio.to_thread(checkins.opt_out, tracker.sender_id)
        dispatcher.utter_message(text=content.load("checkins")["stopped"].format(urgent_phone=profile().urgent_phone))
        return []
