"""A choice typed back as words means the button it names.

On WhatsApp the assistant's buttons are shown as words to type back ("You can reply: • All fine").
Leaving those words to the NLU model made the answer depend on one training run: "All fine" once
came out as `affirm` and "Confirm" as a fallback. A patient who types the exact words we offered
should always get that choice, so before the message reaches Rasa it is compared with the buttons
of the assistant's last message in this conversation (read from the shared tracker store, so any
replica gives the same answer) and, when it names one, replaced by that button's payload. Anything
else (a question, a warning sign, other words) goes to the model untouched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from rasa.shared.core.events import BotUttered, UserUttered

_NOT_WORDS = re.compile(r"[^\w]+")


def _words(text: str) -> str:
    """Case, accents, bullets, punctuation and emoji do not change which choice was meant."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(_NOT_WORDS.sub(" ", plain.casefold()).split())


def offered_buttons(events: Iterable[Any]) -> list[dict[str, Any]]:
    """The buttons the assistant offered since the patient last spoke (newest message first)."""
    buttons: list[dict[str, Any]] = []
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            buttons.extend((event.data or {}).get("buttons") or [])
    return buttons


def chosen_payload(text: str | None, buttons: Iterable[dict[str, Any]]) -> str | None:
    """The payload of the button whose title is exactly what the patient typed, if any."""
    typed = _words(text or "")
    if not typed:
        return None
    for button in buttons:
        title, payload = button.get("title"), button.get("payload")
        if title and payload and _words(title) == typed:
            return payload
    return None


async def as_typed_choice(agent: Any, sender_id: str, text: str | None) -> str | None:
    """`text`, or the payload of the offered button it names."""
    tracker_store = getattr(agent, "tracker_store", None)
    if not text or tracker_store is None:
        return text
    tracker = await tracker_store.retrieve(sender_id)
    if tracker is None:
        return text
    return chosen_payload(text, offered_buttons(tracker.events)) or text
