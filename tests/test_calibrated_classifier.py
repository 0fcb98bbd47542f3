"""The calibrated classifier: intent and FAQ topic from one logistic regression.

Unit tests on the component with hand-made token vectors (no model needed): trained, stored, loaded,
it gives the probabilities scikit-learn's own `predict_proba` gives (its fast path must not change an
answer), and the FAQ topics in the ResponseSelector's format that Rasa's `utter_faq` reads.
"""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.calibrated_classifier import CalibratedClassifier

TRAINING = [  # text, intent, FAQ topic, a direction of meaning
    ("how much does it cost", "faq", "cost", [1, 0, 0, 0]),
    ("what is the price of a session", "faq", "cost", [0.9, 0.1, 0, 0]),
    ("does it hurt", "faq", "pain", [0, 1, 0, 0]),
    ("is mesotherapy painful", "faq", "pain", [0.1, 0.9, 0, 0]),
    ("I'd like to book", "book_appointment", None, [0, 0, 1, 0]),
    ("can I make an appointment", "book_appointment", None, [0, 0, 0.9, 0.1]),
    ("what's the weather", "out_of_scope", None, [0, 0, 0, 1]),
    ("who won the match", "out_of_scope", None, [0, 0, 0.1, 0.9]),
]


def message(text: str, direction: list[float], intent: str = None, topic: str = None) -> Message:
    m = Message(data={"text": text})
    if intent:
        m.set("intent", intent)
    if topic:
        m.set("intent_response_key", f"{intent}/{topic}")
    tokens = np.array([direction] * 2, dtype=np.float32)
    m.add_features(Features(tokens, "sequence", "text", "minilm"))
    m.add_features(Features(tokens[:1], "sentence", "text", "minilm"))
    return m


@pytest.fixture
def classifier(tmp_path) -> CalibratedClassifier:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("calibrated")
    config = {**CalibratedClassifier.get_default_config(), "max_iter": 500}
    component = CalibratedClassifier.create(config, storage, resource, None)
    data = TrainingData([message(text, d, intent, topic) for text, intent, topic, d in TRAINING])
    data.responses = {"utter_faq/cost": [{"text": "…"}], "utter_faq/pain": [{"text": "…"}]}
    component.train(data)
    return CalibratedClassifier.load(config, storage, resource, None)


def test_the_probabilities_are_scikit_learns_own(classifier):
    asked = [message("how much is one session", [0.8, 0.1, 0.1, 0]), message("book me in", [0, 0.1, 0.9, 0])]
    features = classifier._features(asked)
    assert np.allclose(classifier.probabilities(features), classifier.model.predict_proba(features), atol=1e-12)


def test_a_cost_question_gets_the_cost_topic_with_its_own_confidence(classifier):
    [m] = classifier.process([message("how much is a session", [0.95, 0.05, 0, 0])])
    selector = m.get("response_selector")["faq"]
    assert m.get("intent")["name"] == "faq"
    assert selector["response"]["intent_response_key"] == "faq/cost"
    assert selector["response"]["utter_action"] == "utter_faq/cost"
    assert m.get("intent")["confidence"] == selector["response"]["confidence"]
