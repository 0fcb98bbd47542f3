""" "Forget me": a patient deletes what this chat stored about them, and is told what was deleted.

The action deletes the booking and call-back requests made in this conversation (found by the hash
stored with each request) and their e-mails. The conversation itself is deleted by the Rasa server's
tracker store right after this action (components/tracker_store.py), because only the Rasa server
may write the conversation store; afterwards the chat starts from nothing.
"""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ClinicAction
from clinic import content, live_chats, store
from clinic.profile import profile

ACTION_NAME = "action_forget_me"


def _forget(sender_id: str) -> int:
    """The chat's requests (returns how many) and its live chat in the staff app, if one is open."""
    with store.session() as db:
        live_chats.forget_sender(db, sender_id)
        return store.forget_conversation(db, sender_id)


class ActionForgetMe(ClinicAction):
    action_name = ACTION_NAME

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        clinic = profile()
        try:
            removed = await asyncio.to_thread(_forget, tracker.sender_id)
        except Exception:
            dispatcher.utter_message(text=content.text("replies", "forget_me.failed", email=clinic.email))
            return []
        requests = content.text(
            "replies", {0: "forget_me.none", 1: "forget_me.one"}.get(removed, "forget_me.many"), count=removed
        )
        dispatcher.utter_message(text=content.text("replies", "forget_me.done", requests=requests, email=clinic.email))
        return []
