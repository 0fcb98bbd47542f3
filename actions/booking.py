"""The booking (and call-back) request form: consent first, then details, a summary, and storage.

Rasa's form loop asks the questions (domain.yml: booking_form); this module lists how each answer is
read (ValidateBookingForm.steps; side questions, re-prompts and repeated misses are handled once in
actions/form_base.py), asks the questions whose wording depends on the clinic, and stores the
confirmed request. Personal details leave the conversation slots as soon as the request is stored or
abandoned.
"""
from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_base import NEVER, Answer, ClinicFormValidation, Step, reset_booking_slots
from clinic import booking_requests, checkins, clock, content, early_details, hours, validators
from clinic.profile import ClinicProfile, profile
from clinic.validators import Result
from clinic.when import When

CALLBACK = "callback"
BOOKING_STEPS = ["booking_consent", "patient_name", "patient_contact", "preferred_time", "concern",
                 "first_visit", "booking_confirm"]
CALLBACK_STEPS = ["booking_consent", "patient_name", "patient_contact", "booking_confirm"]
BOOKING_INTENTS = ("book_appointment",)  # a message that asks to book: a day in it is the day wished for
CHANGEABLE = {  # button title -> the slot it re-asks
    "name": "patient_name", "contact": "patient_contact", "phone": "patient_contact",
    "e-mail": "patient_contact", "email": "patient_contact", "day": "preferred_time",
    "time": "preferred_time", "date": "preferred_time", "reason": "concern", "for": "concern",
    "first": "first_visit", "visit": "first_visit",
}


def is_callback(tracker: Tracker) -> bool:
    return tracker.get_slot("request_kind") == CALLBACK


def example_time(clinic: ClinicProfile, now: dt.datetime) -> str:
    """A real, bookable example for the re-prompt: the first open day after the lead time."""
    start = hours.local_now(clinic, now) + dt.timedelta(hours=clinic.booking_lead_time_hours, days=1)
    for offset in range(14):
        day = start.date() + dt.timedelta(days=offset)
        span = hours.hours_on_date(clinic, day)
        if span:
            hour = min(max(span[0].hour + 1, 10), span[1].hour - 1)
            return f"\"{day:%A %-d %B} at {dt.time(hour):%-I%p}\"".replace("AM", "am").replace("PM", "pm")
    return "\"next Tuesday at 10am\""


def stored_when(tracker: Tracker) -> Optional[When]:
    raw = tracker.get_slot("preferred_start")
    if not raw:
        return None
    moment = dt.datetime.fromisoformat(raw)
    return When(day=moment.date(), time=moment.time(), window=tracker.get_slot("preferred_window"))


# ---- How each answer is read, where it needs more than a validator and an example ----

def consented(answer: Answer, consent: bool) -> Dict[Text, Any]:
    """With consent, details the patient already wrote fill their questions (issue 18, item 3)."""
    if not consent:
        return {"booking_consent": False}
    tracker = answer.tracker
    found = early_details.booking_details(tracker, answer.clinic, answer.now, is_callback(tracker),
                                          BOOKING_INTENTS)
    problem = found.pop("time_problem", None)
    found = {slot: value for slot, value in found.items() if tracker.get_slot(slot) is None}
    line = early_details.noted(found)
    if line or problem:
        answer.dispatcher.utter_message(text=" ".join(part for part in (line, problem) if part))
    return {"booking_consent": True, **found}


def contact_example(answer: Answer) -> str:
    return ("For example \"020 7946 0123\"." if is_callback(answer.tracker)
            else "For example \"020 7946 0123\" or \"sam@example.com\".")


def time_example(answer: Answer) -> str:
    return (f"Please give a day and, if you like, a time, for example {example_time(answer.clinic, answer.now)} "
            "or \"Saturday morning\".")


def preferred_time_slots(answer: Answer, when: When) -> Dict[Text, Any]:
    """The words for the summary, and the start and window the request is stored with."""
    start = dt.datetime.combine(when.day, when.time)
    return {"preferred_time": when.describe(), "preferred_start": start.isoformat(),
            "preferred_window": when.window}


def slot_to_change(answer: Answer) -> Result:
    """The slot the chosen "Change something" button re-asks (a call back has no reason to change)."""
    lowered = validators.clean(answer.text).lower()
    for word, slot in CHANGEABLE.items():
        if word in lowered and not (slot == "concern" and is_callback(answer.tracker)):
            return slot, None
    return None, "Please pick one of the buttons: what should I change?"


def forget_for_change(answer: Answer, slot: str) -> Dict[Text, Any]:
    """Forget that one answer and the confirmation: the form asks for both again."""
    return {"booking_change": None, "booking_confirm": None, slot: None,
            **({"preferred_start": None} if slot == "preferred_time" else {})}


class ValidateBookingForm(ClinicFormValidation):
    steps = {
        "booking_consent": Step(lambda a: validators.validate_consent(a.text, a.intent), accept=consented),
        "patient_name": Step(lambda a: validators.validate_name(a.text),
                             example="Please type just your name, for example \"Sam Taylor\"."),
        "patient_contact": Step(
            lambda a: validators.validate_contact(a.text, a.clinic.country, is_callback(a.tracker)),
            example=contact_example),
        "preferred_time": Step(lambda a: validators.validate_preferred_time(a.text, a.clinic, a.now),
                               example=time_example, accept=preferred_time_slots),
        "concern": Step(lambda a: validators.validate_concern(a.text),
                        example="A few words are enough, for example \"fine lines on my forehead\"."),
        "first_visit": Step(lambda a: validators.validate_first_visit(a.text, a.intent),
                            example="Please answer \"first visit\" or \"I've been before\"."),
        "booking_confirm": Step(lambda a: validators.validate_confirmation(a.text, a.intent)),
        "booking_change": Step(slot_to_change, accept=forget_for_change, side_questions=NEVER),
    }

    def name(self) -> Text:
        return "validate_booking_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        if tracker.get_slot("booking_consent") is False or tracker.get_slot("booking_confirm") == validators.CANCEL:
            return []  # the submit action explains; nothing is kept
        steps = CALLBACK_STEPS if is_callback(tracker) else BOOKING_STEPS
        if tracker.get_slot("booking_confirm") == validators.CHANGE:
            return ["booking_change"] + steps
        return steps


class AskBookingConsent(Action):
    def name(self) -> Text:
        return "action_ask_booking_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        clinic = profile()
        if is_callback(tracker):
            text = (f"I can ask the team to phone you back when they're in. For that I need your name and "
                    f"a phone number. They're used only for this call back and deleted after "
                    f"{clinic.data_retention_days} days. Is that OK?")
        else:
            text = (f"I can send a booking request to a practitioner at {clinic.name}. For that I need your "
                    f"name, a phone number or e-mail, and when you'd like to come. They're used only for "
                    f"this request and deleted after {clinic.data_retention_days} days. Is that OK?")
        dispatcher.utter_message(text=text, buttons=[{"title": "Yes, that's fine", "payload": "/affirm"},
                                                     {"title": "No, thanks", "payload": "/deny"}])
        return []


class AskPatientContact(Action):
    def name(self) -> Text:
        return "action_ask_patient_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(text="Which phone number should they call?" if is_callback(tracker)
                                 else "What's the best phone number or e-mail address to reach you?")
        return []


class AskPreferredTime(Action):
    def name(self) -> Text:
        return "action_ask_preferred_time"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        clinic, now = profile(), clock.now()
        open_days = ", ".join(
            f"{day.capitalize()[:3]} {span[0]:%H:%M}-{span[1]:%H:%M}"
            for day, span in ((d, clinic.hours_on(d)) for d in clinic.opening_hours) if span)
        dispatcher.utter_message(
            text=f"Which day and time would suit you? For example {example_time(clinic, now)} or "
                 f"\"Saturday morning\". We're open {open_days}, and need "
                 f"{clinic.booking_lead_time_hours} hours' notice.")
        return []


def summary(tracker: Tracker) -> str:
    lines = [f"Name: {tracker.get_slot('patient_name')}", f"Contact: {tracker.get_slot('patient_contact')}"]
    if not is_callback(tracker):
        first = tracker.get_slot("first_visit")
        lines += [f"Preferred: {tracker.get_slot('preferred_time')}", f"For: {tracker.get_slot('concern')}",
                  f"First visit: {'yes' if first else 'no, I have been before'}"]
    return "\n".join(lines)


class AskBookingConfirm(Action):
    def name(self) -> Text:
        return "action_ask_booking_confirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        what = "call-back request" if is_callback(tracker) else "booking request"
        dispatcher.utter_message(
            text=f"Here is your {what}:\n{summary(tracker)}\nShall I send it?",
            buttons=[{"title": "Confirm", "payload": "/affirm"},
                     {"title": "Change something", "payload": "Change something"},
                     {"title": "Cancel", "payload": "/stop"}])
        return []


class AskBookingChange(Action):
    def name(self) -> Text:
        return "action_ask_booking_change"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        titles = ["Name", "Contact"] if is_callback(tracker) else [
            "Name", "Contact", "Day and time", "Reason for the visit", "First visit or not"]
        dispatcher.utter_message(text="What would you like to change?",
                                 buttons=[{"title": t, "payload": t} for t in titles])
        return []


def next_steps(clinic: ClinicProfile, view: booking_requests.RequestView, now: dt.datetime) -> str:
    """What happens next, in clinic local time; after hours, when the clinic will see it."""
    if hours.is_open(clinic, now):
        when_seen = "The team will look at it during today's opening hours."
    else:
        when_seen = (f"The clinic is closed right now, so the team will see it when they open "
                     f"{hours.opens_next_phrase(clinic, now)}.")
    if view.kind == CALLBACK:
        action = "will phone you back"
    else:
        action = (f"({view.practitioner_role.lower()}) will contact you to confirm a time; it is not "
                  "booked until they do")
    return (f"Thank you, your request is in. Your reference is {view.reference}. {when_seen} "
            f"The team {action}. To check on it or cancel it, tell me the reference and the contact "
            f"details you gave.")


class ActionSubmitBooking(Action):
    def name(self) -> Text:
        return "action_submit_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        clinic, now = profile(), clock.now()
        reset = reset_booking_slots(tracker)
        if tracker.get_slot("booking_consent") is False:
            dispatcher.utter_message(
                text=f"No problem, I haven't kept anything. You can book by phone on {clinic.phone} "
                     f"or by e-mail at {clinic.email}.")
            return reset
        if tracker.get_slot("booking_confirm") != validators.CONFIRM:
            dispatcher.utter_message(response="utter_booking_cancelled")
            return reset
        new = booking_requests.NewRequest(
            kind=CALLBACK if is_callback(tracker) else "booking",
            name=tracker.get_slot("patient_name"), contact=tracker.get_slot("patient_contact"),
            when=stored_when(tracker), concern=tracker.get_slot("concern"),
            first_visit=tracker.get_slot("first_visit"), sender_id=tracker.sender_id,
            message_id=(tracker.latest_message or {}).get("message_id"))
        try:
            # In a worker thread: the database write and the SMTP hand-off (10 s timeout) must not
            # stall every other patient's actions on this server's event loop.
            view = await asyncio.to_thread(booking_requests.create_request, clinic, new)
        except Exception:  # database down: say so honestly and keep the details in the slots
            dispatcher.utter_message(
                text=f"Sorry, I couldn't save your request just now. Please try again in a few minutes "
                     f"or call {clinic.phone}.")
            return [SlotSet("booking_confirm", None)]
        dispatcher.utter_message(text=next_steps(clinic, view, now))
        if view.kind != CALLBACK and tracker.get_latest_input_channel() in checkins.CHANNELS:
            # On a messaging app the assistant can reach the patient later: offer check-ins (opt-in).
            texts = content.load("checkins")
            dispatcher.utter_message(text=texts["offer"], buttons=[texts["offer_button"]])
        return reset


class ActionCancelForm(Action):
    """The patient said stop/cancel in the middle of a form: leave it and keep nothing."""

    def name(self) -> Text:
        return "action_cancel_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_booking_cancelled")
        return reset_booking_slots(tracker)
