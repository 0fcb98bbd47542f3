"""What every form step shares: answer a question asked mid-form, and explain after repeated misses.

A patient in the middle of a booking may ask "does it hurt?" instead of answering. The validator
answers it (FAQ, clinic info or care) and the form asks its question again, so nothing typed so far
is lost. After two misses on the same question the re-prompt also offers the clinic's phone number,
as in Rasa's financial-demo.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import clock
from actions.profile import ClinicProfile

QUESTION_START = re.compile(
    r"^(what|whats|what's|how|hows|does|do|did|is|isn't|are|can|could|will|would|should|why|when|"
    r"where|which|who|any)\b", re.I)
ANSWERABLE = ("faq", "ask_clinic_info", "ask_pre_treatment_care", "ask_post_treatment_care")
MIN_CONFIDENCE = 0.6


def is_question(text: str) -> bool:
    text = (text or "").strip()
    return len(text.split()) >= 2 and (text.endswith("?") or bool(QUESTION_START.match(text)))


def answer_side_question(dispatcher: CollectingDispatcher, tracker: Tracker,
                         clinic: ClinicProfile, domain: Optional[Dict[str, Any]] = None) -> bool:
    """If the latest message is a question we can answer, answer it and return True.

    Several questions at once (components/message_parts.py) are answered one by one; a wish to book
    among them is ignored, as the patient is in a form already."""
    message = tracker.latest_message or {}
    intent = message.get("intent") or {}
    if intent.get("name") == "several_questions" and message.get("questions"):
        from actions.questions import answer_each

        answer_each(dispatcher, tracker, domain or {}, message["questions"])
        dispatcher.utter_message(response="utter_back_to_form")
        return True
    if intent.get("name") not in ANSWERABLE or (intent.get("confidence") or 0) < MIN_CONFIDENCE:
        return False
    if not is_question(message.get("text", "")):
        return False
    name = intent["name"]
    if name == "faq":
        response = (((message.get("response_selector") or {}).get("faq") or {}).get("response") or {})
        utter = response.get("utter_action")
        if not utter:
            return False
        dispatcher.utter_message(response=utter)
    elif name == "ask_clinic_info":
        from actions.clinic_info import clinic_info_message

        dispatcher.utter_message(text=clinic_info_message(clinic, clock.now()))
    else:
        from actions.care import POST, PRE, care_message

        kind = PRE if name == "ask_pre_treatment_care" else POST
        dispatcher.utter_message(text=care_message(kind, None, clinic, clock.now())[0])
    dispatcher.utter_message(response="utter_back_to_form")
    return True


def note_failure(tracker: Tracker, slot: str) -> Dict[str, Any]:
    """Count misses per question in the `form_misses` slot."""
    misses = dict(tracker.get_slot("form_misses") or {})
    misses[slot] = int(misses.get(slot, 0)) + 1
    return {"form_misses": misses}


def reprompt(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, reason: str,
             clinic: ClinicProfile, example: Optional[str] = None) -> Dict[str, Any]:
    """Say what was wrong (and after two misses how else to reach us); the form then asks again."""
    misses = note_failure(tracker, slot)
    text = reason
    if example:
        text += f" {example}"
    if misses["form_misses"][slot] >= 2:
        text += (f" If it's easier, call us on {clinic.phone}, or say \"cancel\" to stop here.")
    dispatcher.utter_message(text=text)
    return {slot: None, **misses}
