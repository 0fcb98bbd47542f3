"""Reaching a patient's chat through Rasa's own HTTP API (RASA_URL, RASA_API_TOKEN).

A staff member's words are appended to the conversation as bot events with execute_side_effects,
and output_channel=latest sends them on the channel the patient last wrote from (widget, Telegram,
WhatsApp). Hand-back and the call-back offer run the assistant's own actions with /execute.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests


class RasaUnavailable(RuntimeError):
    """The Rasa server refused or did not answer; the message says which (no patient data)."""


@dataclass(frozen=True)
class RasaApi:
    url: str
    token: str
    timeout: float = 15

    @classmethod
    def from_env(cls) -> RasaApi | None:
        """None when RASA_API_TOKEN is unset: Rasa's HTTP API is then off and live chats read-only."""
        token = os.environ.get("RASA_API_TOKEN", "").strip()
        if not token:
            return None
        return cls(os.environ.get("RASA_URL", "http://127.0.0.1:5005").rstrip("/"), token)

    def _post(self, sender_id: str, path: str, body: Any, **params: str) -> None:
        try:
            reply = requests.post(
                f"{self.url}/conversations/{quote(sender_id, safe='')}/{path}",
                params={"token": self.token, "output_channel": "latest", **params},
                json=body,
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise RasaUnavailable(f"Rasa server not reachable ({type(exc).__name__})") from None
        if not reply.ok:
            raise RasaUnavailable(f"Rasa server answered {reply.status_code} to {path}")

    def say(self, sender_id: str, text: str, staff: str | None = None, buttons: list[dict] | None = None) -> None:
        """Send a message to the patient in their channel; marked as a staff member's in the transcript."""
        event: dict[str, Any] = {"event": "bot", "text": text, "metadata": {"staff": staff} if staff else {}}
        if buttons:
            event["data"] = {"buttons": buttons}
        self._post(sender_id, "tracker/events", [event], execute_side_effects="true")

    def set_slots(self, sender_id: str, **slots: Any) -> None:
        events = [{"event": "slot", "name": name, "value": value} for name, value in slots.items()]
        self._post(sender_id, "tracker/events", events)

    def execute(self, sender_id: str, action: str) -> None:
        """Run one of the assistant's actions in the conversation, its replies sent to the patient.

        /execute runs the action alone; the action_listen Rasa would predict next is appended, as after
        any turn, or the policies read the patient's next message as a turn without a listen (found by
        tests/test_staff_browser.py: "does it hurt?" after a hand-back got the fallback).
        """
        self._post(sender_id, "execute", {"name": action})
        self._post(sender_id, "tracker/events", [{"event": "action", "name": "action_listen"}])
