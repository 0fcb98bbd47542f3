"""A message retried with the same id is answered again, never processed twice.

Clients retry: a request timed out, a patient double-clicked "Confirm", a messaging platform resent a
webhook. Channels that know the client's message id (channels/rest.py) put it on the UserMessage and
flag it in the metadata. Rasa stores that id with the user's event, so, while Rasa's lock store
holds the conversation, the processor can see whether the id is already in the conversation: if it
is, the earlier replies are returned again and nothing else happens (no second booking). The check
uses the tracker Rasa fetches anyway, so it costs no extra database read, and it is race-free across
replicas because it runs under the conversation lock.
Written for Rasa 3.6.21. Importing this changes nothing; install() is called by components/patches.py.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

CLIENT_MESSAGE_ID = "client_message_id"


class DuplicateMessage(Exception):
    def __init__(self, replies: list[dict[str, Any]]) -> None:
        super().__init__("duplicate message")
        self.replies = replies


def earlier_replies(tracker: DialogueStateTracker, message_id: str) -> Optional[list[dict[str, Any]]]:
    """The bot's replies to the user event with this id, or None when the id is new."""
    replies: Optional[list[dict[str, Any]]] = None
    for event in tracker.events:
        if isinstance(event, UserUttered):
            if replies is not None:
                break
            if event.message_id == message_id:
                replies = []
        elif replies is not None and isinstance(event, BotUttered):
            data = {k: v for k, v in (event.data or {}).items() if v}
            replies.append({"recipient_id": tracker.sender_id, **({"text": event.text} if event.text else {}), **data})
    return replies


_handle_message = MessageProcessor.handle_message
_handle_message_with_tracker = MessageProcessor._handle_message_with_tracker


async def handle_message_with_tracker(
    self: MessageProcessor, message: UserMessage, tracker: DialogueStateTracker
) -> None:
    if (message.metadata or {}).get(CLIENT_MESSAGE_ID) and message.message_id:
        replies = earlier_replies(tracker, message.message_id)
        if replies is not None:
            raise DuplicateMessage(replies)
    await _handle_message_with_tracker(self, message, tracker)


async def handle_message(self: MessageProcessor, message: UserMessage) -> Optional[list[dict[str, Any]]]:
    try:
        return await _handle_message(self, message)
    except DuplicateMessage as duplicate:
        logger.info("message %s was already handled; its replies were sent again", message.message_id)
        if isinstance(message.output_channel, CollectingOutputChannel):
            message.output_channel.messages.extend(duplicate.replies)
            return message.output_channel.messages
        return None


def install() -> None:
    """Put the duplicate check into Rasa's MessageProcessor; a second call changes nothing."""
    if not getattr(MessageProcessor, "_clinic_duplicate_check", False):
        MessageProcessor.handle_message = handle_message
        MessageProcessor._handle_message_with_tracker = handle_message_with_tracker
        MessageProcessor._clinic_duplicate_check = True
