"""What a WhatsApp patient reads when a reply has buttons (channels/twilio.py), without a server."""
from __future__ import annotations

import asyncio

from channels.twilio import ClinicTwilioOutput


class Recorded(ClinicTwilioOutput):
    def __init__(self) -> None:
        super().__init__("AC" + "0" * 32, "token", "whatsapp:+442079460321", "http://127.0.0.1:9")
        self.sent = []

    async def send_text_message(self, recipient_id, text, **kwargs) -> None:
        self.sent.append((recipient_id, text))


def test_buttons_become_one_message_with_the_titles_to_type_back_and_no_payloads():
    output = Recorded()
    asyncio.run(output.send_text_with_buttons("whatsapp:+447700900555", "How is your skin doing?", [
        {"title": "All fine", "payload": "/checkin_fine"}, {"title": "Some redness", "payload": "/checkin_redness"}]))
    assert output.sent == [("whatsapp:+447700900555",
                            "How is your skin doing?\nYou can reply:\n• All fine\n• Some redness")]


def test_a_reply_without_buttons_is_just_its_text():
    output = Recorded()
    asyncio.run(output.send_text_with_buttons("whatsapp:+447700900555", "Hello", []))
    assert output.sent == [("whatsapp:+447700900555", "Hello")]
