"""A safety net under the intent classifier: a described warning sign is always a reported reaction.

DIET learns from examples and can be confidently wrong ("one of the injection spots is red hot and has
pus in it" was once read as a FAQ question). For a patient with a warning sign that mistake is not
acceptable, so after the classifiers this component matches the message against the red-flag patterns
in data/content/safety.yml (pus, fever, trouble breathing, a swollen throat, lips or face, hard lumps,
skin turning dark, spreading redness, ...). On a match the intent becomes `report_adverse_reaction`
with full confidence and the urgent-care rule answers, in any state, forms included.
The patterns describe a present problem ("my lips are swelling"), not a hypothetical question ("will
my face swell?"), which stays with the FAQ.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Type

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "content" / "safety.yml"
INTENT_NAME = "report_adverse_reaction"


def load_patterns(path: Optional[str] = None) -> List[re.Pattern]:
    texts = yaml.safe_load(Path(path or DEFAULT_FILE).read_text(encoding="utf-8"))["report_patterns"]
    return [re.compile(text, re.IGNORECASE) for text in texts]


def red_flag(text: str, patterns: List[re.Pattern]) -> Optional[str]:
    """The first pattern a message matches, or None."""
    lowered = re.sub(r"\s+", " ", (text or "").lower().replace("’", "'"))
    for pattern in patterns:
        if pattern.search(lowered):
            return pattern.pattern
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class RedFlagClassifier(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> List[Type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"patterns_file": None}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.component_config = config
        self.patterns = load_patterns(config.get("patterns_file"))

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "RedFlagClassifier":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if red_flag(message.get(TEXT) or "", self.patterns) is None:
                continue
            flagged = {"name": INTENT_NAME, "confidence": 1.0}
            message.data[INTENT] = flagged
            ranking = [r for r in message.data.get(INTENT_RANKING_KEY, []) if r.get("name") != INTENT_NAME]
            message.data[INTENT_RANKING_KEY] = [flagged] + ranking
        return messages
