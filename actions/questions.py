"""Several questions in one message: each gets its own short answer, in the order asked (issue 18, item 1).

The Rasa server splits the message and reads each question on its own (components/message_parts.py);
the parse result lists them under `questions`. Each FAQ answer is the topic's own response from the
domain, sent without its buttons and marked with its `utter_action` as Rasa marks a response, so
insights and tests see which topic was answered; one set of buttons follows the last answer. A
question that nothing answers is named back to the patient rather than dropped. A wish to book is kept
for last: the answers come first, then the booking form starts. (A warning sign in any part never gets
here: the server makes the whole message a report, and urgent care answers it first and alone.)
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ClinicAction
from clinic import clock
from clinic.profile import profile
from clinic.topics import titles

MAX_BUTTONS = 3
BOOKING = "book_appointment"
SILENT = {"greet", "thank", "goodbye", "affirm", "chitchat"}  # "hi!" before a question needs no answer of its own


def _fill(text: str, tracker: Tracker) -> str:
    """Slot values into a response text, as Rasa's NLG fills {slot} (unknown names are left alone)."""
    return re.sub(
        r"\{(\w+)\}",
        lambda m: str(tracker.get_slot(m.group(1))) if tracker.get_slot(m.group(1)) is not None else m.group(0),
        text,
    )


def answer_each(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any], questions: list[dict[str, Any]]
) -> bool:
    """Answer every question in order, one set of buttons at the end. True if one was a wish to book."""
    from actions.care import POST, PRE, care_message
    from actions.clinic_info import clinic_info_message
    from clinic.warning_signs import watch_for_answer

    clinic, now = profile(), clock.now()
    responses = domain.get("responses") or {}
    buttons: list[dict[str, str]] = []
    answered: list[str] = []
    wants_booking = False
    for question in questions:
        intent, utter = question.get("intent"), question.get("utter_action")
        if intent == BOOKING:
            wants_booking = True
        elif intent == "faq" and utter is not None and utter in responses:
            response = responses[utter][0]
            dispatcher.utter_message(text=_fill(response.get("text", ""), tracker), utter_action=utter)
            buttons += response.get("buttons") or []
            answered.append(utter)
        elif intent in ("ask_pre_treatment_care", "ask_post_treatment_care"):
            text, care_buttons = care_message(PRE if intent == "ask_pre_treatment_care" else POST, None, clinic, now)
            dispatcher.utter_message(text=text, answer_to=intent)
            buttons += care_buttons or []
        elif intent == "ask_clinic_info":
            dispatcher.utter_message(text=clinic_info_message(clinic, now), answer_to=intent)
        elif intent == "ask_warning_signs":
            dispatcher.utter_message(text=watch_for_answer(clinic), answer_to=intent)
        elif intent not in SILENT:
            dispatcher.utter_message(response="utter_part_not_understood", question=question.get("text") or "")
    # A button that asks a question just answered would only repeat it.
    just_answered = {titles().get(utter[len("utter_") :]) for utter in answered}
    unique: dict[str, dict[str, str]] = {}
    for button in buttons:
        if button.get("payload") not in unique and button.get("payload") not in just_answered:
            unique[button["payload"]] = button
    if unique and not wants_booking:
        dispatcher.utter_message(response="utter_related_topics", buttons=list(unique.values())[:MAX_BUTTONS])
    return wants_booking


class ActionAnswerQuestions(ClinicAction):
    action_name = "action_answer_questions"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        questions = (tracker.latest_message or {}).get("questions") or []
        if answer_each(dispatcher, tracker, domain, questions):
            return [FollowupAction("booking_form")]
        return []
