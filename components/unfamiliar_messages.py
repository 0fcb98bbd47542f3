"""A second opinion on questions: is this message like anything the assistant was taught?

The intent classifier always picks one of the intents it knows, and with few examples per topic it can be confident
about messages that are nothing like its training data: "the thing" read as "what is the treatment?",
"is liposuction safe?" as the treatment's safety FAQ, "book me a flight to Rome" as a booking. A
patient then gets a confident answer to a question they did not ask.

This component compares the message's all-MiniLM-L6-v2 embedding (the mean of the token features the
`minilm` featurizer already computed, so no extra model call) with every training example's:
  - if the closest *in-scope* example is less similar than `unfamiliar_below`, the message is
    unfamiliar and becomes `nlu_fallback` (the "Did you mean…?" buttons, then an honest "I can't
    answer that" with the clinic's number);
  - if an *out-of-scope* example is closer than every in-scope one by at least
    `out_of_scope_margin`, the message becomes `out_of_scope`.
An out-of-scope verdict for a message unlike both kinds of example becomes `nlu_fallback` too: the
classifier had nothing to go on. It second-guesses the intents that answer or start something (FAQ,
care, clinic info, booking, …) and the short social ones ("the thing" was once read as a confident
"yes"), never a patient's answer typed into a form (`inform`), a reported reaction, or a way out
(stop, cancel, a person).
The similarities go into the parse result (`unfamiliar_check`) so benchmarks can replay the two
settings over cross-validation predictions (benchmarks/fallback_curve.py chooses them).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.base import ReadsSentenceVectors, TrainedComponent

OUT_OF_SCOPE = "out_of_scope"
FALLBACK = "nlu_fallback"
OUTPUT_KEY = "unfamiliar_check"
# Never checked: `inform` (a name, a phone number, a concern typed into a form), a reported reaction
# (safety first), and the ways out (stop, cancel, a person, forget me, back to the bot), which a
# patient must never be kept from by a "Did you mean".
CHECKED_INTENTS = [
    "faq",
    "ask_pre_treatment_care",
    "ask_post_treatment_care",
    "ask_clinic_info",
    "book_appointment",
    "check_booking_status",
    "greet",
    "goodbye",
    "thank",
    "affirm",
    "deny",
    "bot_challenge",
]


def sentence_embedding(message: Message, featurizer: str) -> Optional[np.ndarray]:
    """Unit-length mean of the featurizer's token vectors, or None when the message has none."""
    sequence, _ = message.get_dense_features(TEXT, featurizers=[featurizer])
    if sequence is None or sequence.features.shape[0] == 0:
        return None
    mean = np.asarray(sequence.features, dtype=np.float32).mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm > 0 else None


def decide(
    intent: Optional[str],
    in_scope: float,
    out_of_scope: float,
    unfamiliar_below: float,
    out_of_scope_margin: Optional[float],
    checked: list[str],
) -> Optional[str]:
    """The intent this check gives the message instead of the classifier's, or None to keep it.

    An out-of-scope verdict is second-guessed too, only when the message is unlike the out-of-scope
    examples as well: "the thing" is not a request for something else, it is unclear."""
    if intent == OUT_OF_SCOPE:
        return FALLBACK if max(in_scope, out_of_scope) < unfamiliar_below else None
    if intent not in checked:
        return None
    if in_scope < unfamiliar_below:
        return FALLBACK
    if out_of_scope_margin is not None and out_of_scope - in_scope >= out_of_scope_margin:
        return OUT_OF_SCOPE
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class UnfamiliarMessageCheck(ReadsSentenceVectors, TrainedComponent, IntentClassifier):
    """Turns questions unlike any training example into a fallback, or out-of-scope ones into a refusal."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "featurizer": "minilm",
            "unfamiliar_below": 0.0,
            "out_of_scope_margin": None,
            "checked_intents": CHECKED_INTENTS,
        }

    def use_trained(self, in_scope: Optional[np.ndarray] = None, out_of_scope: Optional[np.ndarray] = None) -> None:
        dim = 1
        self.in_scope = in_scope if in_scope is not None else np.zeros((0, dim), np.float32)
        self.out_of_scope = out_of_scope if out_of_scope is not None else np.zeros((0, dim), np.float32)

    def train(self, training_data: TrainingData) -> Resource:
        inside: list[np.ndarray] = []
        outside: list[np.ndarray] = []
        for example in training_data.intent_examples:
            vector = sentence_embedding(example, self.component_config["featurizer"])
            if vector is not None:
                (outside if example.get(INTENT) == OUT_OF_SCOPE else inside).append(vector)
        if not inside:
            raise ValueError(
                f"UnfamiliarMessageCheck found no '{self.component_config['featurizer']}' "
                "features: put it after the MiniLM featurizer with that alias"
            )
        self.in_scope = np.vstack(inside)
        self.out_of_scope = np.vstack(outside) if outside else np.zeros((0, self.in_scope.shape[1]), np.float32)
        with self._storage.write_to(self._resource) as directory:
            np.save(directory / "in_scope.npy", self.in_scope)
            np.save(directory / "out_of_scope.npy", self.out_of_scope)
            (directory / "counts.json").write_text(json.dumps({"in_scope": len(inside), "out_of_scope": len(outside)}))
        return self._resource

    @classmethod
    def read_state(cls, directory: Path) -> tuple[Any, ...]:
        return np.load(directory / "in_scope.npy"), np.load(directory / "out_of_scope.npy")

    def similarities(self, vector: np.ndarray) -> dict[str, float]:
        def best(matrix: np.ndarray) -> float:
            return float(np.max(matrix @ vector)) if len(matrix) and matrix.shape[1] == len(vector) else 0.0

        return {"in_scope": round(best(self.in_scope), 4), "out_of_scope": round(best(self.out_of_scope), 4)}

    def process(self, messages: list[Message]) -> list[Message]:
        config = self.component_config
        for message in messages:
            vector = sentence_embedding(message, config["featurizer"])
            if vector is None or not len(self.in_scope):
                continue
            found = self.similarities(vector)
            intent = (message.get(INTENT) or {}).get("name")
            verdict = decide(
                intent,
                found["in_scope"],
                found["out_of_scope"],
                config["unfamiliar_below"],
                config["out_of_scope_margin"],
                config["checked_intents"],
            )
            message.set(
                OUTPUT_KEY,
                {**found, "checked": intent in config["checked_intents"], "changed_to": verdict},
                add_to_output=True,
            )
            if verdict is None:
                continue
            confidence = found["in_scope"] if verdict == FALLBACK else found["out_of_scope"]
            replaced = {"name": verdict, "confidence": confidence}
            # Prepended like FallbackClassifier does: the classifier's ranking stays underneath, for the
            # "Did you mean" buttons and for benchmarks replaying the settings.
            message.data[INTENT] = replaced
            message.data[INTENT_RANKING_KEY] = [replaced] + list(message.data.get(INTENT_RANKING_KEY, []))
        return messages
