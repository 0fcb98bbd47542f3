"""A patient asks about, or cancels, a request they made: by reference code plus their contact.

Both must match before anything is shown, and a miss says the same thing whether the reference or the
contact was wrong, so the chat cannot be used to probe other patients' requests.
"""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.form_base import ON_MISS, Answer, ClinicFormValidation, Step, reset_booking_slots
from clinic import booking_requests, early_details, store, validators
from clinic.profile import profile
from clinic.validators import Result

STATUS_TEXT = {
    store.PENDING: "has reached the clinic and is waiting for a practitioner to confirm it",
    store.CONFIRMED: "has been confirmed by the clinic",
    store.DECLINED: "could not be accepted by the clinic",
    store.CANCELLED: "has been cancelled",
}


def reference_given(answer: Answer) -> Result:
    """A reference in the extracted value or anywhere in the message, in any layout."""
    reference = store.normalise_reference(str(answer.value or "")) or store.normalise_reference(answer.text)
    return (reference, None) if reference else (None, "That doesn't look like a reference.")


def with_contact_written(answer: Answer, reference: str) -> Dict[Text, Any]:
    """The reference, and a contact the patient already wrote in the same message."""
    found = {}
    if answer.tracker.get_slot("lookup_contact") is None:
        found = {k: v for k, v in early_details.lookup_details(answer.tracker, answer.clinic).items()
                 if k == "lookup_contact"}
    return {"booking_reference": reference, **found}


class ValidateLookupForm(ClinicFormValidation):
    steps = {
        # "What's the status of BR-7KQ4XP?" is an answer, so a side question only where none is found.
        "booking_reference": Step(
            reference_given, accept=with_contact_written, side_questions=ON_MISS,
            example="It starts with BR- and has six letters or digits, for example BR-7KQ4XP."),
        "lookup_contact": Step(lambda a: validators.validate_contact(a.text, a.clinic.country),
                               example="Please give the phone number or e-mail you used for the request."),
    }

    def name(self) -> Text:
        return "validate_lookup_form"


class ActionLookupRequest(Action):
    def name(self) -> Text:
        return "action_lookup_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        clinic = profile()
        reference = tracker.get_slot("booking_reference")
        contact = tracker.get_slot("lookup_contact") or ""
        cancel = tracker.get_slot("lookup_purpose") == "cancel"
        reset = reset_booking_slots(tracker)
        try:
            view = await asyncio.to_thread(  # database and SMTP off the event loop
                booking_requests.cancel_for_patient if cancel else booking_requests.find_for_patient,
                clinic, reference, contact)
        except Exception:
            dispatcher.utter_message(text=f"Sorry, I can't reach the bookings list just now. Please try "
                                          f"again later or call {clinic.phone}.")
            return reset
        if view is None:
            dispatcher.utter_message(
                text=f"I couldn't find a request with that reference and contact. Please check both, or "
                     f"call {clinic.phone}.")
            return reset
        what = "call-back request" if view.kind == "callback" else "booking request"
        when = f" for {view.preferred_text}" if view.preferred_text else ""
        if cancel and view.status == store.CANCELLED:
            text = f"Done: your {what} {view.reference}{when} is cancelled, and the clinic has been told."
        else:
            text = f"Your {what} {view.reference}{when} {STATUS_TEXT[view.status]}."
            if cancel:
                text += " It can no longer be cancelled here; please call the clinic."
            if view.status == store.DECLINED:
                text += f" Please call {clinic.phone} to find another time."
            if view.clinic_note:
                text += f" Note from the clinic: {view.clinic_note}"
        dispatcher.utter_message(text=text)
        return reset
