"""The warning-sign check: is the patient reporting a warning sign, which kind, and at what level?

Written for Rasa Open Source 3.6 (an intent classifier placed last in the NLU pipeline).

A patient with a warning sign must reach urgent care whatever words they use. Regular expressions
only catch the phrasings their author thought of, so this check judges meaning: two logistic
regressions over the message's sentence embedding (the mean of the all-MiniLM-L6-v2 token vectors
the `minilm` featurizer already computed, so no extra model call):
  - report or not, trained on the warning-sign catalogue's patient phrasings (data/content/
    warning_signs.yml) against every other training example, harmless look-alikes included
    ("the redness went after an hour", "what if my lips swell?"); reports weigh `report_weight`
    times more, because a miss costs more than a needless warning;
  - which kind, trained on the catalogue's phrasings alone (one block per kind).

The NLU intent and this check decide together: a message is a report when the check's probability
of a report reaches `report_at`, or DIET's confidence in `report_adverse_reaction` reaches
`intent_report_at`. When DIET's top intent is a report but neither test passes, the message gets
DIET's next intent instead. Both thresholds are chosen on the development half of the blind
warning-sign set (benchmarks/safety.py), never on the half that reports the figures.

The level is the most urgent level among the kinds holding at least `level_share` of the kind
probability (a blocked vessel with blurred sight is an emergency, not only urgent). What the check
found goes into the parse result under `warning_sign`: action_urgent_care reads the level from it,
and benchmarks replay the thresholds on it.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple, Type

import numpy as np
import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.dense_featurizer.lm_featurizer import LanguageModelFeaturizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, METADATA, METADATA_INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

REPORT_INTENT = "report_adverse_reaction"
NOT_A_REPORT = "none"
OUTPUT_KEY = "warning_sign"
CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "content" / "warning_signs.yml"
LEVELS = ["emergency", "urgent", "clinic"]  # most urgent first


def sentence_vector(message: Message, featurizers: List[Text]) -> Optional[np.ndarray]:
    """The unit-length means of each featurizer's token vectors, side by side (None if any is missing)."""
    parts = []
    for name in featurizers:
        sequence, _ = message.get_dense_features(TEXT, featurizers=[name])
        if sequence is None or sequence.features.shape[0] == 0:
            return None
        mean = np.asarray(sequence.features, dtype=np.float64).mean(axis=0)
        norm = float(np.linalg.norm(mean))
        parts.append(mean / norm if norm > 0 else mean)
    return np.concatenate(parts)


def kind_levels(path: Path = CATALOGUE) -> Dict[Text, Text]:
    """Each catalogue kind's level (emergency, urgent or clinic)."""
    kinds = yaml.safe_load(path.read_text(encoding="utf-8"))["warning_signs"]["kinds"]
    return {name: kind["level"] for name, kind in kinds.items()}


def example_kind(example: Message) -> Text:
    """The catalogue kind of a training example: its block's `warning_sign`, or "none"."""
    if example.get(INTENT) != REPORT_INTENT:
        return NOT_A_REPORT
    block = ((example.get(METADATA) or {}).get(METADATA_INTENT)) or {}
    return block.get("warning_sign") or "unspecified"


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max())
    return shifted / shifted.sum()


def level_of(kind_shares: Dict[Text, float], levels: Dict[Text, Text], share: float) -> Text:
    """The most urgent level among kinds holding at least `share` of the report probability."""
    found = {levels.get(kind, "urgent") for kind, p in kind_shares.items() if p >= share}
    for level in LEVELS:
        if level in found:
            return level
    return "urgent"


def decide(report_probability: float, intent_confidence: float, diet_says_report: bool,
           config: Dict[Text, Any]) -> Optional[bool]:
    """True: a report. False: DIET said report but neither test passed (demote). None: leave it."""
    if report_probability >= config["report_at"] or intent_confidence >= config["intent_report_at"]:
        return True
    return False if diet_says_report else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class WarningSignCheck(GraphComponent, IntentClassifier):
    """Turns a described warning sign into `report_adverse_reaction` with its kind and level."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [LanguageModelFeaturizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"featurizers": ["minilm"], "regularisation": 4.0, "report_weight": 3.0,
                "report_at": 0.5, "intent_report_at": 0.9, "level_share": 0.25}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 weights: Optional[np.ndarray] = None, bias: Optional[np.ndarray] = None,
                 classes: Optional[List[Text]] = None, levels: Optional[Dict[Text, Text]] = None) -> None:
        self.component_config = config
        self._storage, self._resource = model_storage, resource
        self.weights, self.bias = weights, bias
        self.classes = classes or []
        self.levels = levels or {}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "WarningSignCheck":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.linear_model import LogisticRegression

        vectors, labels = [], []
        for example in training_data.intent_examples:
            vector = sentence_vector(example, self.component_config["featurizers"])
            if vector is not None:
                vectors.append(vector)
                labels.append(example_kind(example))
        if NOT_A_REPORT not in labels or len(set(labels)) < 3:
            raise ValueError("WarningSignCheck needs report examples of several kinds and other examples "
                             f"with {self.component_config['featurizers']} features")
        features, labels = np.vstack(vectors), np.array(labels)
        is_report = labels != NOT_A_REPORT
        # Two models: report or not (reports weighted up: a miss costs more than a needless warning),
        # then which kind, learnt from the reports alone.
        report = LogisticRegression(C=self.component_config["regularisation"], max_iter=3000,
                                    class_weight={0: 1.0, 1: self.component_config["report_weight"]})
        report.fit(features, is_report.astype(int))
        kind = LogisticRegression(C=self.component_config["regularisation"], max_iter=3000)
        kind.fit(features[is_report], labels[is_report])
        self.weights = np.vstack([report.coef_, kind.coef_])
        self.bias = np.concatenate([report.intercept_, kind.intercept_])
        self.classes = list(kind.classes_)
        self.levels = kind_levels()
        with self._storage.write_to(self._resource) as directory:
            np.save(directory / "weights.npy", self.weights)
            np.save(directory / "bias.npy", self.bias)
            (directory / "classes.json").write_text(json.dumps({"classes": self.classes, "levels": self.levels}))
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "WarningSignCheck":
        try:
            with model_storage.read_from(resource) as directory:
                meta = json.loads((directory / "classes.json").read_text())
                return cls(config, model_storage, resource, np.load(directory / "weights.npy"),
                           np.load(directory / "bias.npy"), meta["classes"], meta["levels"])
        except ValueError:  # not trained (a model trained without NLU data)
            return cls(config, model_storage, resource)

    def judge(self, vector: np.ndarray) -> Tuple[float, Dict[Text, float]]:
        """The probability that this is a report, and each kind's share of it."""
        scores = self.weights @ vector + self.bias
        report_probability = float(1.0 / (1.0 + np.exp(-scores[0])))
        return report_probability, dict(zip(self.classes, softmax(scores[1:]).tolist()))

    def process(self, messages: List[Message]) -> List[Message]:
        config = self.component_config
        for message in messages:
            vector = sentence_vector(message, config["featurizers"])
            if vector is None or self.weights is None:
                continue
            report_probability, kinds = self.judge(vector)
            ranking = list(message.data.get(INTENT_RANKING_KEY, []))
            top = (message.get(INTENT) or {}).get("name")
            intent_confidence = max((r.get("confidence", 0.0) for r in ranking if r.get("name") == REPORT_INTENT),
                                    default=0.0)
            verdict = decide(report_probability, intent_confidence, top == REPORT_INTENT, config)
            kind = max(kinds, key=kinds.get) if kinds else "unspecified"
            message.set(OUTPUT_KEY, {
                "reported": bool(verdict), "kind": kind, "classified_as": top,
                "level": level_of(kinds, self.levels, config["level_share"]),
                "report_probability": round(report_probability, 4),
                "intent_confidence": round(float(intent_confidence), 4),
                "kinds": {k: round(p, 4) for k, p in sorted(kinds.items(), key=lambda kv: -kv[1])[:3]},
            }, add_to_output=True)
            if verdict is True:
                flagged = {"name": REPORT_INTENT, "confidence": 1.0}
                message.data[INTENT] = flagged
                message.data[INTENT_RANKING_KEY] = [flagged] + [r for r in ranking if r.get("name") != REPORT_INTENT]
            elif verdict is False:
                rest = [r for r in ranking if r.get("name") != REPORT_INTENT]
                if rest:
                    message.data[INTENT] = dict(rest[0])
                    message.data[INTENT_RANKING_KEY] = rest
        return messages
