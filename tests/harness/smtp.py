"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, keeping the messages it receives.

It can be stopped and started again on the same port, to show that the outbox waits and retries.
"""

from __future__ import annotations

import email
from email.message import Message

from aiosmtpd.controller import Controller

from tests.harness.polling import free_port


class _Keep:
    def __init__(self, inbox: list[Message]):
        self.inbox = inbox

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.inbox.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


class LoopbackSmtp:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages: list[Message] = []
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(_Keep(self.messages), hostname="127.0.0.1", port=self.port, ready_timeout=10)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def bodies(self) -> list[str]:
        return [
            m.get_payload(decode=True).decode()
            if not m.is_multipart()
            else m.get_payload(0).get_payload(decode=True).decode()
            for m in self.messages
        ]
