"""The unfamiliar-message check: questions unlike anything the assistant was taught get no confident answer.

Unit tests on the component with hand-made token vectors (no model needed); the trained model's
behaviour on real messages is covered by tests/test_e2e_rest.py ("the thing") and the benchmarks.
"""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.unfamiliar_messages import UnfamiliarMessageCheck, decide

DIRECTIONS = {
    "mesotherapy": [1, 0, 0],
    "weather": [0, 1, 0],
    "gibberish": [0, 0, 1],
    "mostly_meso": [0.9, 0.1, 0.42],
    "half_weather": [0.5, 0.8, 0.3],
}


def message(text: str, direction: str, intent: str = None, confidence: float = 0.97) -> Message:
    m = Message(data={"text": text})
    if intent:
        m.set("intent", {"name": intent, "confidence": confidence})
        m.set("intent_ranking", [{"name": intent, "confidence": confidence}])
    tokens = np.array([DIRECTIONS[direction]] * 2, dtype=np.float32)
    m.add_features(Features(tokens, "sequence", "text", "minilm"))
    m.add_features(Features(tokens[:1], "sentence", "text", "minilm"))
    return m


@pytest.fixture
def check(tmp_path):
    def make(**config):
        storage = LocalModelStorage(tmp_path)
        resource = Resource("unfamiliar")
        full = {**UnfamiliarMessageCheck.get_default_config(), **config}
        component = UnfamiliarMessageCheck.create(full, storage, resource, None)
        training = [message("what is mesotherapy", "mesotherapy"), message("what's the weather", "weather")]
        training[0].set("intent", "faq")
        training[1].set("intent", "out_of_scope")
        component.train(TrainingData(training))
        return UnfamiliarMessageCheck.load(full, storage, resource, None)

    return make


def test_a_question_like_the_training_data_keeps_its_answer(check):
    [m] = check(unfamiliar_below=0.5, out_of_scope_margin=0.1).process([message("what's meso", "mostly_meso", "faq")])
    assert m.get("intent")["name"] == "faq"
    assert m.as_dict(only_output_properties=True)["unfamiliar_check"]["in_scope"] > 0.8


def test_an_unfamiliar_message_becomes_did_you_mean_with_the_classifiers_guesses_kept(check):
    [m] = check(unfamiliar_below=0.5).process([message("hdjsk lol", "gibberish", "faq")])
    assert m.get("intent")["name"] == "nlu_fallback"
    assert [r["name"] for r in m.get("intent_ranking")] == ["nlu_fallback", "faq"]


def test_closer_to_an_out_of_scope_example_becomes_out_of_scope_only_when_that_rule_is_on(check):
    text = message("book me a flight", "half_weather", "book_appointment")
    assert check(unfamiliar_below=0.3).process([text])[0].get("intent")["name"] == "book_appointment"
    text = message("book me a flight", "half_weather", "book_appointment")
    assert (
        check(unfamiliar_below=0.3, out_of_scope_margin=0.1).process([text])[0].get("intent")["name"] == "out_of_scope"
    )


def test_answers_inside_a_form_safety_and_ways_out_are_never_second_guessed():
    for intent in ("inform", "report_adverse_reaction", "stop", "cancel_booking", "request_human", "forget_me"):
        assert (
            decide(intent, 0.0, 1.0, 0.9, 0.0, UnfamiliarMessageCheck.get_default_config()["checked_intents"]) is None
        )


def test_with_both_settings_off_nothing_changes(check):
    [m] = check().process([message("hdjsk lol", "gibberish", "faq")])
    assert m.get("intent")["name"] == "faq"


def test_an_out_of_scope_verdict_on_a_message_unlike_any_example_becomes_did_you_mean(check):
    """'the thing' is unclear, not a request for something else: the patient gets suggestions."""
    [m] = check(unfamiliar_below=0.5).process([message("the thing", "gibberish", "out_of_scope", 0.4)])
    assert m.get("intent")["name"] == "nlu_fallback"
    [m] = check(unfamiliar_below=0.5).process([message("is it sunny", "weather", "out_of_scope", 0.4)])
    assert m.get("intent")["name"] == "out_of_scope"
