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
