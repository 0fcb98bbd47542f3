"""Build the Tracker an action sees for one patient message, without a running Rasa server."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.harness.paths import ROOT, load_yaml

DOMAIN = load_yaml(ROOT / "domain.yml")


def make_tracker(
    text: str,
    intent: str = "inform",
    confidence: float = 0.9,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    active_loop: str | None = None,
    faq_response: str | None = None,
    requested_slot: str | None = None,
    warning_level: str | None = None,
    language: str | None = None,
    earlier: list[tuple[str, str]] | None = None,
) -> Tracker:
    """`warning_level`: the level the Rasa server's warning-sign check gave the message, if a report;
    `language`: the code components/other_languages.py gave a message in another language;
    `earlier`: the patient's earlier messages as (text, intent), oldest first. With it, the tracker's
    events hold those messages and this one, as Rasa sends them to the action server."""
    message: dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
    }
    if warning_level:
        message["warning_sign"] = {"reported": True, "level": warning_level}
    if language:
        message["language"] = {"code": language}
    if faq_response:
        message["response_selector"] = {"faq": {"response": {"utter_action": faq_response, "confidence": confidence}}}
    all_slots = {name: None for name in DOMAIN["slots"]}
    all_slots.update(slots or {})
    if requested_slot:
        all_slots["requested_slot"] = requested_slot
    events: list[dict[str, Any]] = []
    if earlier is not None:
        events = [
            {"event": "user", "text": said, "parse_data": {"intent": {"name": name, "confidence": 0.9}}}
            for said, name in earlier
        ] + [{"event": "user", "text": text, "parse_data": message}]
    return Tracker(
        "patient-1",
        all_slots,
        message,
        events,
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def run_action(action, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, events


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or m.get("response") or "" for m in messages)


def slot_values(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
