"""Checks on the trained model itself: every button a patient can press lands on its own topic."""
from __future__ import annotations

import asyncio

import pytest

from actions import topics
from benchmarks.nlu_eval import full_label

pytestmark = pytest.mark.slow


def test_every_faq_button_title_is_understood_as_its_topic(agent):
    loop = asyncio.new_event_loop()
    wrong = {}
    for label, title in topics.titles().items():
        if label.startswith("faq/"):
            got = full_label(loop.run_until_complete(agent.parse_message(title)))
            if got != label:
                wrong[title] = got
    loop.close()
    assert not wrong, f"buttons that would answer the wrong topic: {wrong}"


def _intent_buttons(node, found):
    """Every button with an /intent payload anywhere in a loaded YAML tree."""
    if isinstance(node, dict):
        title, payload = node.get("title"), node.get("payload")
        if isinstance(title, str) and isinstance(payload, str) and payload.startswith("/"):
            found[title] = payload[1:]
        for value in node.values():
            _intent_buttons(value, found)
    elif isinstance(node, list):
        for value in node:
            _intent_buttons(value, found)
    return found


def test_every_button_title_typed_as_words_reaches_the_buttons_intent(agent):
    """On WhatsApp buttons are shown as words (channels/twilio.py): typing the title must do the same."""
    from tests.conftest import ROOT, load_yaml

    buttons = _intent_buttons(load_yaml(ROOT / "domain.yml"), {})
    for path in sorted((ROOT / "data" / "content").glob("*.yml")):
        _intent_buttons(load_yaml(path), buttons)
    buttons.update({"Yes, that's fine": "affirm", "No, thanks": "deny"})   # the booking consent (actions)
    assert {"All fine", "Some redness", "Something worries me", "Yes, check in on me"} <= set(buttons)
    loop = asyncio.new_event_loop()
    wrong = {}
    for title, intent in buttons.items():
        got = loop.run_until_complete(agent.parse_message(title))["intent"]["name"]
        if got != intent:
            wrong[title] = got
    loop.close()
    assert not wrong, f"typed button titles understood as another intent: {wrong}"
