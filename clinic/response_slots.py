"""Slots that domain.yml's responses interpolate, with their values for a clinic: the contact details
(clinic/profile.py) and the warning-sign catalogue's texts (clinic/warning_signs.py).

scripts/sync_domain.py writes them as the slots' defaults (what the Rasa server says when the action
server is down); the session start (actions/session.py) sets them.
"""

from __future__ import annotations

from clinic.profile import CONTACT_SLOTS, ClinicProfile, contact_slots
from clinic.warning_signs import SAFETY_SLOTS, safety_slots

SLOT_NAMES = (*CONTACT_SLOTS, *SAFETY_SLOTS)


def response_slots(clinic: ClinicProfile) -> dict[str, str]:
    """Slot name -> this clinic's value."""
    return {**contact_slots(clinic), **safety_slots(clinic)}
