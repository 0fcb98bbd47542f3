"""Live chats in the staff app: take one, talk, hand back; offer a call-back when nobody takes it.

The chat list is clinic/live_chats.py (the action server opens chats there); the words the patient
reads are in data/content/replies.yml (handoff.*); they reach the patient through staff/rasa_api.py.
"""

from __future__ import annotations

import datetime as dt
import logging

from clinic import content, live_chats
from clinic.profile import ClinicProfile
from staff import accounts
from staff.rasa_api import RasaApi, RasaUnavailable

logger = logging.getLogger(__name__)


class ChatError(RuntimeError):
    """Why a live-chat action could not be done, for the staff member."""


def take(api: RasaApi, clinic: ClinicProfile, chat_id: int, staff: str) -> live_chats.ChatView:
    """Take a waiting chat; the patient is told a person has joined."""
    before = live_chats.get(chat_id)
    chat = live_chats.take(chat_id, staff)
    if chat is None or chat.sender_id is None:
        raise ChatError("This chat is closed or another staff member has it.")
    if before is not None and before.status == live_chats.WAITING:
        try:
            api.set_slots(chat.sender_id, handoff_active=True)
            api.say(chat.sender_id, content.text("replies", "handoff.joined", clinic_name=clinic.name), staff=staff)
        except RasaUnavailable:
            live_chats.release(chat_id)  # still waiting: someone can try again, or the call-back offer comes
            raise
        accounts.audit(staff, "chat_taken", f"chat #{chat_id}")
    return chat


def send(api: RasaApi, chat_id: int, staff: str, text: str) -> None:
    """A staff member's message to the patient of a chat they have taken."""
    chat = live_chats.get(chat_id)
    if chat is None or chat.sender_id is None or chat.status != live_chats.TAKEN or chat.taken_by != staff:
        raise ChatError("Take the chat first (or it has closed).")
    text = text.strip()
    if not text:
        raise ChatError("The message is empty.")
    api.say(chat.sender_id, text[:2000], staff=staff)


def hand_back(api: RasaApi, chat_id: int, staff: str) -> None:
    """Give the chat back to the assistant: it says it is back and answers again."""
    chat = live_chats.get(chat_id)
    if chat is None or chat.sender_id is None:
        raise ChatError("This chat is already closed.")
    if chat.status == live_chats.TAKEN and chat.taken_by != staff:
        raise ChatError("Another staff member has this chat.")
    live_chats.close(chat_id, "handed_back")
    api.execute(chat.sender_id, "action_resume_bot")
    accounts.audit(staff, "chat_handed_back", f"chat #{chat_id}")


def offer_callbacks(api: RasaApi, clinic: ClinicProfile) -> int:
    """Chats nobody took within handoff.wait_minutes: the patient gets the call-back form instead."""
    offered = 0
    for chat in live_chats.waiting_too_long(dt.timedelta(minutes=clinic.handoff.wait_minutes)):
        if chat.sender_id is None or live_chats.close(chat.id, "callback_offered") is None:
            continue  # taken or closed meanwhile
        try:
            api.set_slots(chat.sender_id, handoff_active=False, request_kind="callback")
            api.say(chat.sender_id, content.text("replies", "handoff.nobody_free"))
            api.execute(chat.sender_id, "booking_form")
        except RasaUnavailable as exc:
            logger.warning("call-back offer for chat #%d failed: %s", chat.id, exc)
            continue
        accounts.audit("assistant", "callback_offered", f"chat #{chat.id}")
        offered += 1
    return offered
