"""Checks on the trained model itself: every button a patient can press lands on its own topic."""

from __future__ import annotations

import asyncio

import pytest

from clinic import topics
from tests.harness.nlu import full_label

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


def test_menu_button_titles_typed_as_words_reach_the_buttons_intent(agent):
    """Patients type menu words ("Book an appointment", "Talk to a person") at any point, not only
    after the menu. Answers to a question just asked ("All fine", "Confirm") are read as the button
    they name by the channel (channels/typed_choices.py, tests/test_whatsapp_output.py)."""
    from tests.harness.paths import ROOT, load_yaml

    buttons = _intent_buttons(load_yaml(ROOT / "domain.yml"), {})
    assert {"Book an appointment", "Talk to a person"} <= set(buttons)
    loop = asyncio.new_event_loop()
    wrong = {}
    for title, intent in buttons.items():
        got = loop.run_until_complete(agent.parse_message(title))["intent"]["name"]
        if got != intent:
            wrong[title] = got
    loop.close()
    assert not wrong, f"typed button titles understood as another intent: {wrong}"
