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
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import ClinicAction
from actions.form_base import NEVER, Answer, ClinicFormValidation, Step, reset_booking_slots
from clinic import booking_requests, checkins, clock, content, early_details, hours, validators
from clinic.profile import ClinicProfile, profile
from clinic.validators import Result
from clinic.when import When

CALLBACK = "callback"
BOOKING_STEPS = [
    "booking_consent",
    "patient_name",
    "patient_contact",
    "preferred_time",
    "concern",
    "first_visit",
    "booking_confirm",
]
CALLBACK_STEPS = ["booking_consent", "patient_name", "patient_contact", "booking_confirm"]
BOOKING_INTENTS = ("book_appointment",)  # a message that asks to book: a day in it is the day wished for
CHANGEABLE = {  # button title -> the slot it re-asks
    "name": "patient_name",
    "contact": "patient_contact",
    "phone": "patient_contact",
    "e-mail": "patient_contact",
    "email": "patient_contact",
    "day": "preferred_time",
    "time": "preferred_time",
    "date": "preferred_time",
    "reason": "concern",
    "for": "concern",
    "first": "first_visit",
    "visit": "first_visit",
}


def is_callback(tracker: Tracker) -> bool:
    return tracker.get_slot("request_kind") == CALLBACK


def request_kind(tracker: Tracker) -> str:
    """ "booking" or "callback": which of a text's two wordings (data/content/booking.yml) applies."""
    return CALLBACK if is_callback(tracker) else "booking"


def example_time(clinic: ClinicProfile, now: dt.datetime) -> str:
    """A real, bookable example for the re-prompt: the first open day after the lead time."""
    start = hours.local_now(clinic, now) + dt.timedelta(hours=clinic.booking_lead_time_hours, days=1)
    for offset in range(14):
        day = start.date() + dt.timedelta(days=offset)
        span = hours.hours_on_date(clinic, day)
        if span:
            hour = min(max(span[0].hour + 1, 10), span[1].hour - 1)
            time = f"{dt.time(hour):%-I%p}".replace("AM", "am").replace("PM", "pm")
            return content.text("booking", "example_time", day=f"{day:%A %-d %B}", time=time)
    return content.text("booking", "example_time_fallback")


def stored_when(tracker: Tracker) -> When | None:
    raw = tracker.get_slot("preferred_start")
    if not raw:
        return None
    moment = dt.datetime.fromisoformat(raw)
    return When(day=moment.date(), time=moment.time(), window=tracker.get_slot("preferred_window"))


# ---- How each answer is read, where it needs more than a validator and an example ----


def consented(answer: Answer, consent: bool) -> dict[str, Any]:
    """With consent, details the patient already wrote fill their questions (issue 18, item 3)."""
    if not consent:
        return {"booking_consent": False}
    tracker = answer.tracker
    found = early_details.booking_details(tracker, answer.clinic, answer.now, is_callback(tracker), BOOKING_INTENTS)
    problem = found.pop("time_problem", None)
    found = {slot: value for slot, value in found.items() if tracker.get_slot(slot) is None}
    line = early_details.noted(found)
    if line or problem:
        answer.dispatcher.utter_message(text=" ".join(part for part in (line, problem) if part))
    return {"booking_consent": True, **found}


def contact_example(answer: Answer) -> str:
    return content.text(
        "booking", "examples.contact_callback" if is_callback(answer.tracker) else "examples.contact_booking"
    )


def time_example(answer: Answer) -> str:
    return content.text("booking", "examples.preferred_time", example=example_time(answer.clinic, answer.now))


def preferred_time_slots(answer: Answer, when: When) -> dict[str, Any]:
    """The words for the summary, and the start and window the request is stored with."""
    assert when.time is not None  # validate_preferred_time gives the earliest start
    start = dt.datetime.combine(when.day, when.time)
    return {"preferred_time": when.describe(), "preferred_start": start.isoformat(), "preferred_window": when.window}


def slot_to_change(answer: Answer) -> Result[str]:
    """The slot the chosen "Change something" button re-asks (a call back has no reason to change)."""
    lowered = validators.clean(answer.text).lower()
    for word, slot in CHANGEABLE.items():
        if word in lowered and not (slot == "concern" and is_callback(answer.tracker)):
            return slot, None
    return None, content.text("booking", "reasons.change")


def forget_for_change(answer: Answer, slot: str) -> dict[str, Any]:
    """Forget that one answer and the confirmation: the form asks for both again."""
    return {
        "booking_change": None,
        "booking_confirm": None,
        slot: None,
        **({"preferred_start": None} if slot == "preferred_time" else {}),
    }


class ValidateBookingForm(ClinicFormValidation):
    steps = {
        "booking_consent": Step(lambda a: validators.validate_consent(a.text, a.intent), accept=consented),
        "patient_name": Step(
            lambda a: validators.validate_name(a.text),
            example=lambda a: content.text("booking", "examples.patient_name"),
        ),
        "patient_contact": Step(
            lambda a: validators.validate_contact(a.text, a.clinic.country, is_callback(a.tracker)),
            example=contact_example,
        ),
        "preferred_time": Step(
            lambda a: validators.validate_preferred_time(a.text, a.clinic, a.now),
            example=time_example,
            accept=preferred_time_slots,
        ),
        "concern": Step(
            lambda a: validators.validate_concern(a.text), example=lambda a: content.text("booking", "examples.concern")
        ),
        "first_visit": Step(
            lambda a: validators.validate_first_visit(a.text, a.intent),
            example=lambda a: content.text("booking", "examples.first_visit"),
        ),
        "booking_confirm": Step(lambda a: validators.validate_confirmation(a.text, a.intent)),
        "booking_change": Step(slot_to_change, accept=forget_for_change, side_questions=NEVER),
    }

    def name(self) -> str:
        return "validate_booking_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if tracker.get_slot("booking_consent") is False or tracker.get_slot("booking_confirm") == validators.CANCEL:
            return []  # the submit action explains; nothing is kept
        steps = CALLBACK_STEPS if is_callback(tracker) else BOOKING_STEPS
        if tracker.get_slot("booking_confirm") == validators.CHANGE:
            return ["booking_change"] + steps
        return steps


class AskBookingConsent(ClinicAction):
    action_name = "action_ask_booking_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        clinic = profile()
        text = content.text(
            "booking",
            f"consent.{request_kind(tracker)}",
            clinic_name=clinic.name,
            retention_days=clinic.data_retention_days,
        )
        dispatcher.utter_message(text=text, buttons=content.entry("booking", "consent.buttons"))
        return []


class AskPatientContact(ClinicAction):
    action_name = "action_ask_patient_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(text=content.text("booking", f"ask_contact.{request_kind(tracker)}"))
        return []


class AskPreferredTime(ClinicAction):
    action_name = "action_ask_preferred_time"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        clinic, now = profile(), clock.now()
        open_days = ", ".join(
            f"{day.capitalize()[:3]} {span[0]:%H:%M}-{span[1]:%H:%M}"
            for day, span in ((d, clinic.hours_on(d)) for d in clinic.opening_hours)
            if span
        )
        dispatcher.utter_message(
            text=content.text(
                "booking",
                "ask_time",
                example=example_time(clinic, now),
                open_days=open_days,
                lead_hours=clinic.booking_lead_time_hours,
            )
        )
        return []


def summary(tracker: Tracker) -> str:
    def line(key: str, value: Any) -> str:
        return content.text("booking", f"summary.{key}", value=value)

    lines = [line("name", tracker.get_slot("patient_name")), line("contact", tracker.get_slot("patient_contact"))]
    if not is_callback(tracker):
        first = content.text(
            "booking", "summary.first_visit_yes" if tracker.get_slot("first_visit") else "summary.first_visit_no"
        )
        lines += [
            line("preferred", tracker.get_slot("preferred_time")),
            line("concern", tracker.get_slot("concern")),
            line("first_visit", first),
        ]
    return "\n".join(lines)


class AskBookingConfirm(ClinicAction):
    action_name = "action_ask_booking_confirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(
            text=content.text(
                "booking",
                "confirm",
                request=content.text("booking", f"request.{request_kind(tracker)}"),
                summary=summary(tracker),
            ),
            buttons=content.entry("booking", "confirm_buttons"),
        )
        return []


class AskBookingChange(ClinicAction):
    action_name = "action_ask_booking_change"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        titles = content.entry("booking", f"change_buttons.{request_kind(tracker)}")
        dispatcher.utter_message(
            text=content.text("booking", "ask_change"), buttons=[{"title": t, "payload": t} for t in titles]
        )
        return []


def next_steps(clinic: ClinicProfile, view: booking_requests.RequestView, now: dt.datetime) -> str:
    """What happens next, in clinic local time; after hours, when the clinic will see it."""
    if hours.is_open(clinic, now):
        when_seen = content.text("booking", "seen_today")
    else:
        when_seen = content.text("booking", "seen_when_open", opens_next=hours.opens_next_phrase(clinic, now))
    if view.kind == CALLBACK:
        who = content.text("booking", "callback_next")
    else:
        who = content.text("booking", "booking_next", practitioner=view.practitioner_role.lower())
    return content.text("booking", "submitted", reference=view.reference, when_seen=when_seen, who=who)


class ActionSubmitBooking(ClinicAction):
    action_name = "action_submit_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        clinic, now = profile(), clock.now()
        reset = reset_booking_slots(tracker)
        if tracker.get_slot("booking_consent") is False:
            dispatcher.utter_message(text=content.text("booking", "no_consent", phone=clinic.phone, email=clinic.email))
            return reset
        if tracker.get_slot("booking_confirm") != validators.CONFIRM:
            dispatcher.utter_message(response="utter_booking_cancelled")
            return reset
        new = booking_requests.NewRequest(
            kind=CALLBACK if is_callback(tracker) else "booking",
            name=tracker.get_slot("patient_name"),
            contact=tracker.get_slot("patient_contact"),
            when=stored_when(tracker),
            concern=tracker.get_slot("concern"),
            first_visit=tracker.get_slot("first_visit"),
            sender_id=tracker.sender_id,
            message_id=(tracker.latest_message or {}).get("message_id"),
        )
        try:
            # In a worker thread: the database write and the SMTP hand-off (10 s timeout) must not
            # stall every other patient's actions on this server's event loop.
            view = await asyncio.to_thread(booking_requests.create_request, clinic, new)
        except Exception:  # database down: say so honestly and keep the details in the slots
            dispatcher.utter_message(text=content.text("booking", "not_saved", phone=clinic.phone))
            return [SlotSet("booking_confirm", None)]
        dispatcher.utter_message(text=next_steps(clinic, view, now))
        if view.kind != CALLBACK and tracker.get_latest_input_channel() in checkins.CHANNELS:
            # On a messaging app the assistant can reach the patient later: offer check-ins (opt-in).
            texts = content.load("checkins")
            dispatcher.utter_message(text=texts["offer"], buttons=[texts["offer_button"]])
        return reset


class ActionCancelForm(ClinicAction):
    """The patient said stop/cancel in the middle of a form: leave it and keep nothing."""

    action_name = "action_cancel_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(response="utter_booking_cancelled")
        return reset_booking_slots(tracker)
