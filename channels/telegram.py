"""Telegram through Rasa's own channel, plus what it lacks: the webhook secret and a configurable API.

* Telegram sends the `secret_token` given to setWebhook back in the X-Telegram-Bot-Api-Secret-Token
  header of every update. Rasa's channel does not check it, so anyone who knows the webhook URL could
  post fake updates. Here an update without the right header is refused (403) before anything is read.
* Rasa's output talks to https://api.telegram.org only. Telegram also supports self-hosted Bot API
  servers, so the base URL is configurable (TELEGRAM_API_BASE_URL); the tests point it at loopback.
Buttons go out as inline keyboards (Rasa's default) and come back as callback queries.
Settings come from environment variables only (see credentials.yml).
"""

from __future__ import annotations

import asyncio
import hmac
import os
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request

from channels.settings import required_env

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_API = "https://api.telegram.org"


class ClinicTelegramOutput(TelegramOutput):
    def __init__(self, access_token: str | None, api_base_url: str = DEFAULT_API) -> None:
        Bot.__init__(self, access_token, server=TelegramAPIServer.from_base(api_base_url.rstrip("/")))

    async def register_webhook(self, url: str, secret_token: str) -> bool:
        """setWebhook with the secret Telegram must echo back (not in aiogram 2's signature)."""
        return await self.request("setWebhook", {"url": url, "secret_token": secret_token})


class ClinicTelegramInput(TelegramInput):
    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ClinicTelegramInput:
        env = required_env(
            "Telegram", ("TELEGRAM_TOKEN", "TELEGRAM_BOT_NAME", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_SECRET_TOKEN")
        )
        return cls(
            env["TELEGRAM_TOKEN"],
            env["TELEGRAM_BOT_NAME"],
            env["TELEGRAM_WEBHOOK_URL"],
            secret_token=env["TELEGRAM_SECRET_TOKEN"],
            api_base_url=os.environ.get("TELEGRAM_API_BASE_URL") or DEFAULT_API,
        )

    def __init__(
        self,
        access_token: str | None,
        verify: str | None,
        webhook_url: str | None,
        debug_mode: bool = False,
        secret_token: str = "",
        api_base_url: str = DEFAULT_API,
    ) -> None:
        super().__init__(access_token, verify, webhook_url, debug_mode)
        self.secret_token = secret_token
        self.api_base_url = api_base_url

    def get_output_channel(self) -> ClinicTelegramOutput:
        return ClinicTelegramOutput(self.access_token, self.api_base_url)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        channel = self.get_output_channel()
        try:  # what Rasa's get_output_channel does at start-up, with the secret added
            asyncio.run(channel.register_webhook(self.webhook_url, self.secret_token))
        except Exception as error:
            raise RasaException(f"Failed to set the Telegram webhook: {error}") from error
        finally:
            asyncio.run(channel.close())
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def check_secret(request: Request) -> response.HTTPResponse | None:
            if request.method == "POST" and request.path.rstrip("/").endswith("/webhook"):
                given = request.headers.get(SECRET_HEADER, "")
                if not self.secret_token or not hmac.compare_digest(given, self.secret_token):
                    return response.text("forbidden", status=403)
            return None

        return blueprint
