"""Typing slips corrected before a message is read: "how long dose the treatmnet last" -> "... does the treatment ...".

Written for Rasa Open Source 3.6 (a component placed before the tokenizer; it rewrites the message text
at prediction time only, and keeps what the patient typed under `spelling.as_typed` in the parse result).
Rasa's own tracker keeps the text as typed (UserUttered), so forms that take free text (a name, an
e-mail) see the patient's words, not the corrections.

Why: on the blind FAQ set, the same questions with letters swapped got 5 points fewer right answers
(benchmarks/results/faq_blind.md). pyspellchecker (offline English word frequencies, Peter Norvig's
method) knows which words are English; an unknown word becomes the most frequent word of the training
data one edit away ("treatmnet" -> "treatment"), never another dictionary word. Only unknown words are
touched, only alphabetic words of four letters or more, never all-capitals words (brands, acronyms),
and nothing in a message where fewer than half of the words are known English: that is another
language (components/other_languages.py reads `as_typed`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.base import TrainedComponent

OUTPUT_KEY = "spelling"
TOKEN = re.compile(r"\S+")
CORE = re.compile(r"^(\W*)([A-Za-z]+)(\W*)$")  # a word with punctuation around it, nothing else
MIN_LETTERS = 4


@cache
def english_words() -> Any:
    """pyspellchecker's English word list, loaded once per process (also read by
    components/other_languages.py to tell English training words from the few in other languages)."""
    from spellchecker import SpellChecker

    return SpellChecker(distance=1)


def as_typed(message: Message) -> str:
    """What the patient typed, before any correction."""
    return (message.get(OUTPUT_KEY) or {}).get("as_typed") or message.get(TEXT) or ""


class Speller:
    """Unknown words are corrected only to a word of the training data one edit away.

    pyspellchecker's English word list says which words are known (and left alone); a second checker
    holding only the training data's words, with their counts, proposes the correction. A correction
    to any dictionary word was tried first and turned "toung" (tongue) into "young": only the words
    the assistant was trained on are safe targets."""

    def __init__(self, training_words: dict[str, int]) -> None:
        from spellchecker import SpellChecker

        self.english = english_words()
        self.domain = SpellChecker(language=None, distance=1)
        self.domain.word_frequency.load_json(dict(training_words))

    def known(self, word: str) -> bool:
        lower = word.lower()
        return lower in self.english or lower in self.domain

    def correct(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """The text with unknown words corrected, and the (typed, corrected) pairs."""
        words = [m.group(2) for m in (CORE.match(t) for t in text.split()) if m]
        if not words or sum(self.known(w) for w in words) < len(words) / 2:
            return text, []
        changes: list[tuple[str, str]] = []

        def fix(token_match: re.Match) -> str:
            token = token_match.group(0)
            found = CORE.match(token)
            if not found:
                return token
            before, word, after = found.groups()
            if len(word) < MIN_LETTERS or word.isupper() or self.known(word):
                return token
            better: Optional[str] = self.domain.correction(word.lower())
            if not better or better == word.lower():
                return token
            if word[0].isupper():
                better = better[0].upper() + better[1:]
            changes.append((word, better))
            return before + better + after

        return TOKEN.sub(fix, text), changes


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SpellingCorrection(TrainedComponent):
    """Corrects unknown words in a live message; training data is left as written."""

    def use_trained(self, training_words: Optional[dict[str, int]] = None) -> None:
        self.speller = Speller(training_words) if training_words else None

    def train(self, training_data: TrainingData) -> Resource:
        words = Counter(
            w.lower()
            for example in training_data.training_examples
            for w in re.findall(r"[A-Za-z]+", example.get(TEXT) or "")
            if len(w) >= MIN_LETTERS
        )
        with self._storage.write_to(self._resource) as directory:
            (directory / "training_words.json").write_text(json.dumps(dict(sorted(words.items()))), encoding="utf-8")
        return self._resource

    @classmethod
    def read_state(cls, directory: Path) -> tuple[Any, ...]:
        return (json.loads((directory / "training_words.json").read_text(encoding="utf-8")),)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        if self.speller is None:
            return messages
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue
            corrected, changes = self.speller.correct(text)
            if changes:
                message.set(OUTPUT_KEY, {"as_typed": text, "corrected": changes}, add_to_output=True)
                message.set(TEXT, corrected)
        return messages
