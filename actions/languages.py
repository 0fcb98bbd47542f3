"""Replies to messages in another language: a notice, or urgent care, in the patient's language.

The Rasa server decides the language and whether a warning sign is named
(components/other_languages.py) and puts it in the parse result under `language`; the texts are the
team's own, in data/content/languages.yml, with the clinic's numbers from clinic.yml.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ClinicAction
from clinic import content
from clinic.profile import ClinicProfile, profile


def texts(code: str | None) -> dict[str, Any] | None:
    """The language's texts, or None for English and for languages without texts."""
    return (content.load("languages")["languages"]).get(code or "en")


def message_language(tracker: Tracker) -> str | None:
    """The latest message's language code when it is not English."""
    code = (tracker.latest_message.get("language") or {}).get("code")
    return code if code and code != "en" else None


def _values(clinic: ClinicProfile) -> dict[str, str]:
    return {"phone": clinic.phone, "urgent_phone": clinic.urgent_phone, "emergency_number": clinic.emergency_number}


def notice(code: str, clinic: ClinicProfile) -> str | None:
    """ "I answer in English; here is the clinic's number" in the patient's language."""
    found = texts(code)
    return found["notice"].format(**_values(clinic)) if found else None


def urgent_reply(code: str, level: str | None, clinic: ClinicProfile) -> str | None:
    """The urgent-care reply in the patient's language (the clinic level gets the urgent text)."""
    found = texts(code)
    if not found:
        return None
    return found["emergency" if level == "emergency" else "urgent"].format(**_values(clinic))


class ActionOtherLanguage(ClinicAction):
    action_name = "action_other_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        code = message_language(tracker)
        dispatcher.utter_message(
            text=notice(code, profile()) if code and texts(code) else content.load("languages")["unknown_language"]
        )
        return []
