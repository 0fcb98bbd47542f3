"""WhatsApp (and SMS) through Rasa's Twilio channel, with Twilio's request signature checked.

Rasa's TwilioInput accepts any form post to its webhook. Twilio signs every request with the account's
auth token (X-Twilio-Signature over the public URL and the form fields); this subclass verifies it with
the twilio library's own RequestValidator and refuses anything unsigned or forged (403) before it
reaches the assistant. TWILIO_WEBHOOK_URL is the public URL Twilio calls (behind a proxy it differs
from what the server sees). TWILIO_API_BASE_URL lets the replies go to another API host (the tests use
loopback). Settings come from environment variables only (see credentials.yml).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.twilio import TwilioInput, TwilioOutput
from sanic import Blueprint, response
from sanic.request import Request
from twilio.request_validator import RequestValidator

from channels.settings import required_env
from channels.typed_choices import as_typed_choice
from clinic import content

SIGNATURE_HEADER = "X-Twilio-Signature"


class ClinicTwilioOutput(TwilioOutput):
    def __init__(self, account_sid: str, auth_token: str, twilio_number: str, api_base_url: str | None = None) -> None:
        super().__init__(account_sid, auth_token, twilio_number)
        if api_base_url:
            self.api.base_url = api_base_url.rstrip("/")

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """The choices as words to type back, in the same message.

        WhatsApp has no free-form buttons (only pre-approved templates). Rasa's default sends one more
        message per button as "1: All fine (/checkin_fine)": a number the patient cannot answer with
        and a payload they should never see. A title typed back is read as its button
        (channels/typed_choices.py), so the titles are what the patient reads. One line break
        only: Rasa's send_text_message sends each "\n\n" paragraph as a message of its own.
        """
        choices = "\n".join(
            content.text("replies", "whatsapp.choice", title=button["title"])
            for button in buttons
            if button.get("title")
        )
        await self.send_text_message(
            recipient_id,
            content.text("replies", "whatsapp.with_choices", text=text, choices=choices) if choices else text,
        )


class ClinicTwilioInput(TwilioInput):
    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ClinicTwilioInput:
        env = required_env("Twilio", ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER", "TWILIO_WEBHOOK_URL"))
        return cls(
            env["TWILIO_ACCOUNT_SID"],
            env["TWILIO_AUTH_TOKEN"],
            env["TWILIO_NUMBER"],
            webhook_url=env["TWILIO_WEBHOOK_URL"],
            api_base_url=os.environ.get("TWILIO_API_BASE_URL"),
        )

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        twilio_number: str,
        debug_mode: bool = False,
        webhook_url: str = "",
        api_base_url: str | None = None,
    ) -> None:
        super().__init__(account_sid, auth_token, twilio_number, debug_mode)
        self.webhook_url = webhook_url
        self.api_base_url = api_base_url
        self.validator = RequestValidator(auth_token)

    def get_output_channel(self) -> ClinicTwilioOutput:
        return ClinicTwilioOutput(self.account_sid, self.auth_token, self.twilio_number, self.api_base_url)

    def is_signed(self, request: Request) -> bool:
        signature = request.headers.get(SIGNATURE_HEADER, "")
        params = {key: values[0] for key, values in request.form.items()}
        return bool(signature) and self.validator.validate(self.webhook_url, params, signature)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        agents: dict[str, Any] = {}

        async def with_typed_choices(message: UserMessage) -> Any:
            """A choice typed back as words is the button it names (see channels/typed_choices.py)."""
            message.text = await as_typed_choice(agents.get("agent"), message.sender_id, message.text)
            return await on_new_message(message)

        blueprint = super().blueprint(with_typed_choices)

        @blueprint.middleware("request")
        async def check_signature(request: Request) -> response.HTTPResponse | None:
            if request.method == "POST" and request.path.rstrip("/").endswith("/webhook"):
                if not self.is_signed(request):
                    return response.text("forbidden", status=403)
                agents["agent"] = getattr(request.app.ctx, "agent", None)
            return None

        return blueprint
