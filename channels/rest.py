"""Rasa's REST channel with the checks a public endpoint needs, at the same URL (/webhooks/rest/webhook).

Rasa 3.6's RestInput takes whatever arrives: a missing sender becomes the shared conversation
"default", a body that is not JSON is a 500, any length goes to the model, and a failure logs the
patient's text. This subclass answers every request with a 4xx and a plain reason, or a polite reply:
  - body must be a JSON object (415 for another content type, 400 for broken JSON);
  - "sender": a string of 1-128 visible characters (400 otherwise): each patient keeps their own chat;
  - "message": a string (400 otherwise); control characters are removed; an empty or blank message
    gets a friendly prompt and a message over MAX_CHARS a request to shorten it, neither touching
    the conversation;
  - "message_id" (optional, ≤128 characters): a client retrying the same message id gets the first
    replies again and nothing is processed twice (components/duplicate_messages.py), so a double
    click on "Confirm" cannot make two bookings;
  - more than RATE_LIMIT messages from one sender within RATE_WINDOW seconds: 429 with a polite text;
    other patients are not slowed down.
Failures are logged without the message text (no personal data in logs).
"""

from __future__ import annotations

import logging
import re
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from clinic import content
from components.duplicate_messages import CLIENT_MESSAGE_ID

logger = logging.getLogger(__name__)

MAX_CHARS = 2000
MAX_ID_CHARS = 128
RATE_LIMIT = 30
RATE_WINDOW = 10.0
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
_SENDER = re.compile(rf"^[^\x00-\x1f\x7f]{{1,{MAX_ID_CHARS}}}$")

# What the patient reads (data/content/replies.yml, website_chat).
EMPTY_REPLY = content.text("replies", "website_chat.empty")
LONG_REPLY = content.text("replies", "website_chat.too_long", max_chars=MAX_CHARS)
SLOW_DOWN = content.text("replies", "website_chat.slow_down")


class BadRequest(ValueError):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def clean_text(text: str) -> str:
    return _CONTROL.sub("", text).strip()


def parse_body(request: Request) -> dict[str, Any]:
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise BadRequest(415, 'Send JSON (Content-Type: application/json): {"sender": "...", "message": "..."}')
    try:
        body = request.json
    except Exception:
        raise BadRequest(400, 'The body is not valid JSON. Expected {"sender": "...", "message": "..."}') from None
    if not isinstance(body, dict):
        raise BadRequest(400, 'Expected a JSON object: {"sender": "...", "message": "..."}')
    sender = body.get("sender")
    if not isinstance(sender, str) or not _SENDER.match(sender.strip() or "\x00"):
        raise BadRequest(400, f'"sender" must be a string of 1-{MAX_ID_CHARS} characters identifying the patient.')
    message = body.get("message")
    if not isinstance(message, str):
        raise BadRequest(400, '"message" must be a string.')
    message_id = body.get("message_id")
    if message_id is not None and (
        not isinstance(message_id, (str, int)) or not 0 < len(str(message_id)) <= MAX_ID_CHARS
    ):
        raise BadRequest(400, f'"message_id", when given, must be a string of 1-{MAX_ID_CHARS} characters.')
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest(400, '"metadata", when given, must be a JSON object.')
    return {
        "sender": sender.strip(),
        "message": message,
        "message_id": None if message_id is None else str(message_id),
        "metadata": metadata or {},
    }


class SenderRateLimit:
    """At most `limit` messages per sender in a sliding window of `window` seconds (per process)."""

    def __init__(
        self, limit: int = RATE_LIMIT, window: float = RATE_WINDOW, clock: Callable[[], float] = time.monotonic
    ):
        self.limit, self.window, self.clock = limit, window, clock
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, sender: str) -> bool:
        now = self.clock()
        seen = self._seen[sender]
        while seen and now - seen[0] > self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            return False
        seen.append(now)
        if len(self._seen) > 100_000:  # forget idle senders so memory stays bounded
            for key in [k for k, v in self._seen.items() if not v or now - v[-1] > self.window][:50_000]:
                del self._seen[key]
        return True


class ClinicRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def __init__(self) -> None:
        self.rate_limit = SenderRateLimit()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("clinic_rest_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(request: Request) -> Any:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            try:
                fields = parse_body(request)
            except BadRequest as bad:
                return response.json({"error": str(bad)}, status=bad.status)
            sender = fields["sender"]
            if not self.rate_limit.allow(sender):
                return response.json({"error": SLOW_DOWN, "text": SLOW_DOWN}, status=429)
            text = clean_text(fields["message"])
            if not text:
                return response.json([{"recipient_id": sender, "text": EMPTY_REPLY}])
            if len(text) > MAX_CHARS:
                return response.json([{"recipient_id": sender, "text": LONG_REPLY}])
            metadata = dict(fields["metadata"])
            extra: dict[str, Any] = {}
            if fields["message_id"] is not None:
                metadata[CLIENT_MESSAGE_ID] = True
                extra["message_id"] = f"client-{fields['message_id']}"
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata, **extra)
                )
            except Exception:  # logged without the message text
                logger.exception("REST message from a patient could not be handled")
            return response.json(collector.messages)

        return hook
