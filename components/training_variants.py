"""Training variants: each training phrasing also as a stranger might type it, with slips or after small talk.

Written for Rasa Open Source 3.6 (a featurizer-type component placed first in the NLU pipeline, so the
variants are tokenized and featurized like every other example; at prediction time it does nothing).

Why: the team writes tidy questions; strangers make typing slips and open with small talk ("hi, I was
reading your page and…"). On the blind FAQ set the classifier lost 5 points of right answers to typos
and 7 to a chatty lead-in (benchmarks/results/faq_blind.md). Writing every phrasing again with slips
by hand would double the data files; this makes one variant of each phrasing at training time instead:
  - slips: in about one word in five (words of four letters or more; at least one word), a dropped,
    doubled or swapped letter, or a neighbouring key on a QWERTY keyboard;
  - small talk: one of `LEAD_INS` before the phrasing, or one of `SIGN_OFFS` after it.
The choice for each phrasing comes from its text's SHA-256, so every training run makes the same
variants. The openings and slips here are the team's own and deliberately not those that
benchmarks/faq_blind.py uses to vary the blind questions, so the benchmark still measures strangers'
slips, not these. Examples with entities are left alone (their spans would move).
"""

from __future__ import annotations

import hashlib
import random
from typing import Any, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.base import ConfiguredComponent

LEAD_INS = [
    "Hi, ",
    "Hello there. ",
    "Hey :) ",
    "Good afternoon! ",
    "Hiya, ",
    "hi again, ",
    "Morning! I was reading about the treatment on your site. ",
    "Hello, I'm thinking of coming in next month. ",
    "Hi, I've never had anything like this done before. ",
    "ok so ",
    "Um, ",
    "Quick one: ",
    "Can I ask something? ",
    "Sorry to bother you, ",
    "I hope this isn't a stupid question, ",
    "My sister had this done last year and loved it. ",
    "Hello, I'm 42 and looking into options for my skin. ",
    "Hi! Just browsing your website. ",
    "I'm a bit nervous, first time. ",
    "Before I decide anything: ",
    "hey there, question for you. ",
    "Good evening, ",
]
SIGN_OFFS = [
    " thanks",
    " Thank you!",
    " thx",
    " cheers",
    " x",
    " many thanks in advance",
    " Thanks so much.",
    " ty",
    " :)",
    " please",
]
QWERTY_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
MIN_WORDS = 3  # shorter phrasings ("yes please", "Tuesday") are left alone


def _neighbours() -> dict[str, str]:
    """Each letter's left and right neighbours on a QWERTY keyboard."""
    near: dict[str, str] = {}
    for row in QWERTY_ROWS:
        for i, letter in enumerate(row):
            near[letter] = row[max(i - 1, 0) : i] + row[i + 1 : i + 2]
    return near


NEIGHBOURS = _neighbours()


def text_random(text: str, salt: str) -> random.Random:
    """A random generator seeded by the text (and a salt per use): the same choices on every training."""
    return random.Random(hashlib.sha256((salt + text).encode("utf-8")).hexdigest())


def with_slips(text: str, rate: float = 0.2) -> str:
    """The text with a typing slip in about `rate` of its words of four letters or more (at least one)."""
    rng = text_random(text, "slips")
    words = text.split(" ")
    eligible = [i for i, word in enumerate(words) if len(word) >= 4 and word.isalpha()]
    chosen = [i for i in eligible if rng.random() < rate] or eligible[:1] and [rng.choice(eligible)]
    for i in chosen:
        word = words[i]
        j = rng.randrange(1, len(word) - 1)
        slip = rng.choice(["drop", "double", "swap", "neighbour"])
        if slip == "drop":
            word = word[:j] + word[j + 1 :]
        elif slip == "double":
            word = word[:j] + word[j] + word[j:]
        elif slip == "swap":
            word = word[: j - 1] + word[j] + word[j - 1] + word[j + 1 :]
        else:
            keys = NEIGHBOURS.get(word[j].lower())
            if keys:
                word = word[:j] + rng.choice(keys) + word[j + 1 :]
        words[i] = word
    return " ".join(words)


def with_small_talk(text: str) -> str:
    """The text after a chatty opening, or before a sign-off (one in four)."""
    rng = text_random(text, "small talk")
    if rng.random() < 0.25:
        return text.rstrip() + rng.choice(SIGN_OFFS)
    lead = rng.choice(LEAD_INS)
    return lead + (text[:1].lower() + text[1:] if lead.rstrip()[-1:] in ",:" else text)


def variant(text: str) -> Optional[str]:
    """One variant of a training phrasing (slips or small talk), or None where it would be the same."""
    if len(text.split()) < MIN_WORDS:
        return None
    changed = with_slips(text) if text_random(text, "which").random() < 0.5 else with_small_talk(text)
    return changed if changed != text else None


VARIANT = "training_variant"  # marks an added example, for a component that trains on the written ones alone


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class TrainingVariants(ConfiguredComponent):
    """Adds one variant of each intent example to the training data; leaves live messages alone."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"enabled": True}

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self.enabled = bool(config.get("enabled", True))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        if not self.enabled:
            return training_data
        known = {e.get(TEXT) for e in training_data.training_examples}
        extra: list[Message] = []
        for example in training_data.intent_examples:
            text = example.get(TEXT)
            if not text or example.get(ENTITIES) or not example.get(INTENT):
                continue
            changed = variant(text)
            if changed and changed not in known:
                known.add(changed)
                data = {key: value for key, value in example.data.items() if key != TEXT}
                extra.append(Message(data={**data, TEXT: changed, VARIANT: True}))
        return training_data.merge(TrainingData(training_examples=extra)) if extra else training_data

    def process(self, messages: list[Message]) -> list[Message]:
        return messages
