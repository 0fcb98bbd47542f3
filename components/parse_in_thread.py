"""Understanding a message runs in a worker thread, so other patients' messages are not held up.

Rasa 3.6 runs the NLU graph (spaCy, MiniLM, the classifiers) synchronously inside the server's
event loop: while one message is parsed (~25-35 ms on 2 cores) no other request moves, not even
another patient's tracker read or reply. TensorFlow and NumPy release the GIL while they compute, so
running the graph in a thread lets one message's model work overlap with another's Python work and
uses the second core. Each conversation is still handled in order: Rasa's lock store holds the
conversation around the whole message, and the graph's components only read their trained state.

Set NLU_IN_THREAD=0 to run it in the event loop as Rasa does (benchmarks/load.py compares both).
Written for Rasa 3.6.21. Importing this changes nothing; install() is called by components/patches.py.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

_parse_with_graph = MessageProcessor._parse_message_with_graph
_parse_message = MessageProcessor.parse_message


# Read once when the server loads the model, not for every message.
ENABLED = os.environ.get("NLU_IN_THREAD", "1").strip().lower() not in ("0", "false", "no", "off")


async def parse_message(
    self: MessageProcessor,
    message: UserMessage,
    tracker: Optional[DialogueStateTracker] = None,
    only_output_properties: bool = True,
) -> dict[str, Any]:
    """Rasa's parse_message, with the graph run off the event loop (same result, same checks)."""
    if self.http_interpreter or not ENABLED:
        return await _parse_message(self, message, tracker, only_output_properties)
    if tracker is None:
        tracker = DialogueStateTracker.from_events(message.sender_id, [])
    parse_data = await asyncio.to_thread(_parse_with_graph, self, message, tracker, only_output_properties)
    # What Rasa's parse_message does after the graph (its debug log of the text is left out).
    self._update_full_retrieval_intent(parse_data)
    self._check_for_unseen_features(parse_data)
    return parse_data


def install() -> None:
    """Make Rasa's MessageProcessor parse with parse_message; a second call changes nothing."""
    MessageProcessor.parse_message = parse_message
