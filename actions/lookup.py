"""A patient asks about, or cancels, a request they made: by reference code plus their contact.

Both must match before anything is shown, and a miss says the same thing whether the reference or the
contact was wrong, so the chat cannot be used to probe other patients' requests.
"""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ClinicAction
from actions.form_base import ON_MISS, Answer, ClinicFormValidation, Step, reset_booking_slots
from clinic import booking_requests, content, early_details, store, validators
from clinic.profile import profile
from clinic.validators import Result


def reference_given(answer: Answer) -> Result[str]:
    """A reference in the extracted value or anywhere in the message, in any layout."""
    reference = store.normalise_reference(str(answer.value or "")) or store.normalise_reference(answer.text)
    return (reference, None) if reference else (None, content.text("booking", "reasons.reference"))


def with_contact_written(answer: Answer, reference: str) -> dict[str, Any]:
    """The reference, and a contact the patient already wrote in the same message."""
    found = {}
    if answer.tracker.get_slot("lookup_contact") is None:
        found = {
            k: v
            for k, v in early_details.lookup_details(answer.tracker, answer.clinic).items()
            if k == "lookup_contact"
        }
    return {"booking_reference": reference, **found}


class ValidateLookupForm(ClinicFormValidation):
    steps = {
        # "What's the status of BR-7KQ4XP?" is an answer, so a side question only where none is found.
        "booking_reference": Step(
            reference_given,
            accept=with_contact_written,
            side_questions=ON_MISS,
            example=lambda a: content.text("booking", "examples.booking_reference"),
        ),
        "lookup_contact": Step(
            lambda a: validators.validate_contact(a.text, a.clinic.country),
            example=lambda a: content.text("booking", "examples.lookup_contact"),
        ),
    }

    def name(self) -> str:
        return "validate_lookup_form"


class ActionLookupRequest(ClinicAction):
    action_name = "action_lookup_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        clinic = profile()
        reference = tracker.get_slot("booking_reference")
        contact = tracker.get_slot("lookup_contact") or ""
        cancel = tracker.get_slot("lookup_purpose") == "cancel"
        reset = reset_booking_slots(tracker)
        try:
            view = await asyncio.to_thread(  # database and SMTP off the event loop
                booking_requests.cancel_for_patient if cancel else booking_requests.find_for_patient,
                clinic,
                reference,
                contact,
            )
        except Exception:
            dispatcher.utter_message(text=content.text("booking", "lookup.unreachable", phone=clinic.phone))
            return reset
        if view is None:
            dispatcher.utter_message(text=content.text("booking", "lookup.not_found", phone=clinic.phone))
            return reset
        request = content.text("booking", "request.callback" if view.kind == "callback" else "request.booking")
        when = content.text("booking", "lookup.when", time=view.preferred_text) if view.preferred_text else ""
        if cancel and view.status == store.CANCELLED:
            text = content.text("booking", "lookup.cancelled", request=request, reference=view.reference, when=when)
        else:
            text = content.text(
                "booking",
                "lookup.status",
                request=request,
                reference=view.reference,
                when=when,
                status=content.text("booking", f"lookup.statuses.{view.status}"),
            )
            if cancel:
                text += " " + content.text("booking", "lookup.cannot_cancel")
            if view.status == store.DECLINED:
                text += " " + content.text("booking", "lookup.declined", phone=clinic.phone)
            if view.clinic_note:
                text += " " + content.text("booking", "lookup.clinic_note", note=view.clinic_note)
        dispatcher.utter_message(text=text)
        return reset
