"""Doubt about the FAQ topic: answer only when the topic is clear.

Written for Rasa Open Source 3.6 (an intent classifier placed after whatever fills `response_selector`:
Rasa's ResponseSelector or components/calibrated_classifier.py).

Rasa's FallbackClassifier sees only one confidence per message. With Rasa's ResponseSelector that is
the retrieval intent `faq`'s, close to 1.0 even when the selector is torn between topics
(RasaHQ/rasa#9751); with the calibrated classifier it is the top topic's, but two topics can still be
nearly tied. This step reads the topic ranking: when its top topic's confidence is below `answer_at`, or its lead
over the runner-up below `margin_at`, the message becomes `nlu_fallback`, so the patient gets "Did you
mean…?" with the selector's top topics as buttons (actions/fallback.py) and, on a second miss, the
honest "I can't answer that". What it found goes into the parse result under `topic_doubt`, so
benchmarks/faq_blind.py can replay the two settings and choose them on the blind set's development
half. Remove this step when Rasa's fallback reads the selector's confidence.
"""

from __future__ import annotations

from typing import Any, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

from components.base import ConfiguredComponent

FAQ = "faq"
FALLBACK = "nlu_fallback"
OUTPUT_KEY = "topic_doubt"


def topic_scores(parse: dict[str, Any]) -> tuple[Optional[str], float, float]:
    """The selector's top topic ('faq/<topic>'), its confidence and its lead over the runner-up."""
    ranking = ((parse.get("response_selector") or {}).get(FAQ) or {}).get("ranking") or []
    if not ranking:
        return None, 0.0, 0.0
    first = float(ranking[0].get("confidence") or 0.0)
    second = float(ranking[1].get("confidence") or 0.0) if len(ranking) > 1 else 0.0
    return ranking[0].get("intent_response_key"), first, first - second


def doubtful(confidence: float, margin: float, config: dict[str, Any]) -> bool:
    """Too unsure of the topic to answer: ask "Did you mean…?" instead."""
    return confidence < config["answer_at"] or margin < config["margin_at"]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class TopicDoubt(ConfiguredComponent, IntentClassifier):
    """Turns an FAQ question whose topic is unclear into "Did you mean…?"."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"answer_at": 0.0, "margin_at": 0.0}

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if (message.get(INTENT) or {}).get("name") != FAQ:
                continue
            topic, confidence, margin = topic_scores(message.data)
            if topic is None:
                continue
            doubt = doubtful(confidence, margin, self.component_config)
            message.set(
                OUTPUT_KEY,
                {"topic": topic, "confidence": round(confidence, 4), "margin": round(margin, 4), "doubtful": doubt},
                add_to_output=True,
            )
            if doubt:
                replaced = {"name": FALLBACK, "confidence": confidence}
                # Prepended as FallbackClassifier does: the ranking stays underneath for the buttons.
                message.data[INTENT] = replaced
                message.data[INTENT_RANKING_KEY] = [replaced] + list(message.data.get(INTENT_RANKING_KEY, []))
        return messages
