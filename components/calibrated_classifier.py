"""One calibrated classifier for intents and FAQ topics, so "how sure" means what it says.

Written for Rasa Open Source 3.6 (replaces DIETClassifier and ResponseSelector in config.yml).

Why: DIET picks the intent and the ResponseSelector the FAQ topic, and Rasa's FallbackClassifier sees
only the intent's confidence. For the retrieval intent `faq` that is close to 1.0 even when the
selector is torn between topics (RasaHQ/rasa#9751), so strangers' questions got confident answers to
questions they had not asked. On the blind FAQ set's development half (benchmarks/faq_blind.py) a
logistic regression over flattened labels ("faq/<topic>" next to "book_appointment", …) answered more
questions right, fewer wrong, and lost almost nothing to a chatty lead-in; it trains in seconds
(benchmarks/results/configs_tried.md has the side-by-side figures).

What it does: scikit-learn's LogisticRegression on three views of a message: the all-MiniLM-L6-v2
sentence embedding as the model was trained (mean of the `minilm` featurizer's token vectors, unit
length), and word (1-2) and character (2-5, within words) TF-IDF. Its probabilities come out as Rasa
expects them from DIET and the ResponseSelector together:
  - `intent`: the top label's intent, with the top label's own probability, so for an FAQ question the
    confidence is the topic's, and FallbackClassifier's threshold means "sure of this topic";
  - `intent_ranking`: each intent once, with its best label's probability;
  - `response_selector.faq`: the topics ranked by probability, with the answer to utter, in the
    ResponseSelector's format, so Rasa's retrieval action `utter_faq` and components/topic_doubt.py
    work unchanged.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, Optional

import joblib
import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.base import ReadsSentenceVectors, TrainedComponent
from components.unfamiliar_messages import sentence_embedding

SELECTOR_KEY = "response_selector"
RANKING_LENGTH = 10
# The parse result travels with every event to the action server (behind nginx, 64 KB per request in
# deploy/): topics ranked 5 deep (the "Did you mean" buttons show 3) and confidences to 4 places.
TOPIC_RANKING_LENGTH = 5


def label_of(example: Message) -> Optional[str]:
    """'faq/<topic>' for an FAQ example, the intent's name otherwise."""
    return example.get(INTENT_RESPONSE_KEY) or example.get(INTENT)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class CalibratedClassifier(ReadsSentenceVectors, TrainedComponent, IntentClassifier):
    """Intent and FAQ topic from one logistic regression over meaning and wording."""

    NOT_TRAINED = (ValueError, FileNotFoundError)  # not trained (a model trained without NLU data)

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"featurizer": "minilm", "C": 10.0, "max_iter": 3000, "word_ngrams": [1, 2], "char_ngrams": [2, 5]}

    def use_trained(self, state: Optional[dict[str, Any]] = None) -> None:
        state = state or {}
        self.words: Any = state.get("words")  # TfidfVectorizers once trained or loaded
        self.chars: Any = state.get("chars")
        self.model = state.get("model")
        self.retrieval_intents: list[str] = state.get("retrieval_intents") or []
        self.weights: Optional[np.ndarray] = None  # the model's coefficients, features x labels, for probabilities()
        if self.model is not None and len(self.model.classes_) > 2:
            self.weights = np.ascontiguousarray(self.model.coef_.T)

    def _features(self, messages: list[Message]) -> Any:
        from scipy import sparse

        texts = [m.get(TEXT) or "" for m in messages]
        meaning = [sentence_embedding(m, self.component_config["featurizer"]) for m in messages]
        width = next((len(v) for v in meaning if v is not None), 0)
        dense = np.vstack([v if v is not None else np.zeros(width, np.float32) for v in meaning])
        return sparse.hstack(
            [sparse.csr_matrix(dense), self.words.transform(texts), self.chars.transform(texts)]
        ).tocsr()

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        examples = [e for e in training_data.intent_examples if e.get(TEXT) and label_of(e)]
        if not examples:
            return self._resource
        texts = [e.get(TEXT) for e in examples]
        config = self.component_config
        self.words = TfidfVectorizer(
            analyzer="word", ngram_range=tuple(config["word_ngrams"]), sublinear_tf=True, lowercase=True
        ).fit(texts)
        self.chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=tuple(config["char_ngrams"]), sublinear_tf=True, lowercase=True
        ).fit(texts)
        with warnings.catch_warnings():
            # max_iter is set below convergence on purpose (config.yml): its warning is not news.
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = LogisticRegression(C=config["C"], max_iter=config["max_iter"]).fit(
                self._features(examples), [label_of(e) for e in examples]
            )
        state = {
            "words": self.words,
            "chars": self.chars,
            "model": model,
            "retrieval_intents": sorted(training_data.retrieval_intents),
        }
        self.use_trained(state)
        with self._storage.write_to(self._resource) as directory:
            joblib.dump(state, directory / "classifier.joblib")
        return self._resource

    @classmethod
    def read_state(cls, directory: Path) -> tuple[Any, ...]:
        return (joblib.load(directory / "classifier.joblib"),)

    def probabilities(self, features: Any) -> np.ndarray:
        """The labels' probabilities, as `predict_proba` gives them for a multinomial regression.

        scikit-learn 1.1's `predict_proba` multiplies by `coef_.T`, a transposed view that scipy copies
        on every call: for 54 labels x 91,000 features that copy was 17 ms of a 35 ms parse (2026-12-05,
        benchmarks/results/configs_tried.md). The transpose is made contiguous once, when the model is
        loaded; the softmax is the same (tests/test_calibrated_classifier.py)."""
        assert self.model is not None  # process() asks only a trained model
        if self.weights is None:  # two labels: a logistic, not a softmax
            return self.model.predict_proba(features)
        scores = np.asarray(features @ self.weights) + self.model.intercept_
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        return scores / scores.sum(axis=1, keepdims=True)

    def process(self, messages: list[Message]) -> list[Message]:
        if self.model is None:
            return messages
        probabilities = self.probabilities(self._features(messages))
        labels = list(self.model.classes_)
        for message, row in zip(messages, probabilities):
            order = np.argsort(row)[::-1]
            ranked = [(labels[i], float(row[i])) for i in order]
            intents: dict[str, float] = {}
            for label, p in ranked:
                intents.setdefault(label.split("/")[0], round(p, 4))
            ranking = [{"name": name, "confidence": p} for name, p in list(intents.items())[:RANKING_LENGTH]]
            message.set(INTENT, dict(ranking[0]), add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            for retrieval_intent in self.retrieval_intents:
                self._select_response(message, retrieval_intent, ranked)
        return messages

    def _select_response(self, message: Message, retrieval_intent: str, ranked: list[Any]) -> None:
        """The FAQ topics in the ResponseSelector's output format (rasa/nlu/selectors/response_selector.py)."""
        topics = [(label, round(p, 4)) for label, p in ranked if label.startswith(retrieval_intent + "/")]
        if not topics:
            return
        top, confidence = topics[0]
        utter_action = f"utter_{top}"
        selector = message.get(SELECTOR_KEY) or {}
        selector["all_retrieval_intents"] = self.retrieval_intents
        selector[retrieval_intent] = {
            # No response texts: Rasa's retrieval action reads the answer from the domain by utter_action.
            "response": {"confidence": confidence, "intent_response_key": top, "utter_action": utter_action},
            "ranking": [{"confidence": p, "intent_response_key": label} for label, p in topics[:TOPIC_RANKING_LENGTH]],
        }
        message.set(SELECTOR_KEY, selector, add_to_output=True)
