"""Unit tests for every custom action: what the patient would see, from JSON tracker fixtures."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionAskWhichTopic, likely_topics
from actions.session import ActionSessionStart
from clinic.profile import profile
from tests.harness.paths import ROOT, load_yaml

FIXTURES = Path(__file__).parent / "fixtures"
DOMAIN = load_yaml(ROOT / "domain.yml")


def tracker(name: str) -> Tracker:
    return Tracker.from_dict(json.loads((FIXTURES / name).read_text()))


def run(action, tr: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tr, DOMAIN))
    return dispatcher.messages, events


def test_session_start_sends_disclaimer_once_and_loads_clinic_details():
    old = tracker("tracker_gibberish.json")
    messages, events = run(ActionSessionStart(), old)
    assert [m["response"] for m in messages] == ["utter_disclaimer"]
    assert messages[0]["clinic_name"] == profile().name
    assert isinstance(events[0], dict) and events[0] == SessionStarted()
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["clinic_phone"] == profile().phone
    assert slots["clinic_urgent_phone"] == profile().urgent_phone
    assert slots["emergency_number"] == profile().emergency_number
    assert events[-1] == ActionExecuted("action_listen")


def test_session_start_carries_over_what_the_patient_said_but_refreshes_clinic_details():
    state = json.loads((FIXTURES / "tracker_unclear_message.json").read_text())
    state["slots"] = {"clinic_phone": "+44 0000 stale", "preferred_day": "friday"}
    _, events = run(ActionSessionStart(), Tracker.from_dict(state))
    assert SlotSet("preferred_day", "friday") in events
    phones = [e["value"] for e in events if e["event"] == "slot" and e["name"] == "clinic_phone"]
    assert phones == [profile().phone]


def test_did_you_mean_offers_the_most_likely_topics_as_buttons():
    messages, events = run(ActionAskWhichTopic(), tracker("tracker_unclear_message.json"))
    assert events == []
    (message,) = messages
    assert message["text"].startswith("Sorry, I'm not sure I understood. Did you mean")
    titles = [b["title"] for b in message["buttons"]]
    # faq 0.55 x ingredients 0.5 = 0.275 > pre-treatment care 0.25 > faq 0.55 x pain 0.4 = 0.22;
    # greet is never offered and faq/cost (0.055) is beyond the three best
    assert titles == [
        "What is in the injections?",
        "How do I prepare for treatment?",
        "Does it hurt?",
        "Something else",
    ]
    payloads = [b["payload"] for b in message["buttons"]]
    assert payloads == ["What is in the injections?", "/ask_pre_treatment_care", "Does it hurt?", "/out_of_scope"]


def test_did_you_mean_without_any_likely_topic_still_offers_a_way_forward():
    messages, _ = run(ActionAskWhichTopic(), tracker("tracker_gibberish.json"))
    (message,) = messages
    assert "Did you mean" not in message["text"]
    assert [b["payload"] for b in message["buttons"]] == ["What is mesotherapy?", "/book_appointment", "/out_of_scope"]


def test_likely_topics_ignores_noise_and_small_talk():
    parse = {"intent_ranking": [{"name": "thank", "confidence": 0.9}, {"name": "request_human", "confidence": 0.04}]}
    assert likely_topics(parse) == []


def test_the_action_server_registers_every_action_in_the_domain():
    """What `rasa run actions` does at start-up: a broken class stops the server before any patient."""
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    custom = [a for a in DOMAIN["actions"] if a not in ("action_session_start",)]
    missing = [a for a in DOMAIN["actions"] if a not in executor.actions]
    assert not missing, missing
    assert custom
