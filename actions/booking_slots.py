"""The slots the booking and lookup forms fill, and how to forget them.

Personal details live in these slots only until the request is stored (or abandoned); every way out
of a form clears them, so the conversation tracker does not keep them.
"""
from __future__ import annotations

from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

BOOKING_SLOTS = (
    "booking_consent", "patient_name", "patient_contact", "preferred_time", "preferred_start",
    "preferred_window", "concern", "first_visit", "booking_confirm", "booking_change", "request_kind",
    "form_misses",
)
LOOKUP_SLOTS = ("booking_reference", "lookup_contact", "lookup_purpose")


def reset_booking_slots(tracker: Tracker) -> List[SlotSet]:
    """SlotSet(None) for every form slot that currently holds something (plus requested_slot)."""
    events = [SlotSet(slot, None) for slot in BOOKING_SLOTS + LOOKUP_SLOTS
              if tracker.get_slot(slot) is not None]
    return events + [SlotSet("requested_slot", None)]
