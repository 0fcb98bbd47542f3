"""Messages in another language: a notice in that language, and urgent care for a warning sign.

Written for Rasa Open Source 3.6 (an intent classifier placed last in the NLU pipeline, so it has the
final word on a message's intent; it is trained only to remember the words of the training data).

Why: the assistant answers in English. Before this step a Spanish question about how long results last
got the English ingredients answer, picked by a classifier that had never seen Spanish. Now:
  - the language is detected offline by lingua (`lingua-language-detector`: its models ship in the
    wheel, nothing is downloaded at run time), restricted to English and the languages with texts in
    data/content/languages.yml. Arabic and Cyrillic letters decide by themselves. A Latin-script message
    counts as another language only when lingua prefers that language to English by `margin_over_english`
    and fewer than `known_words_below` of its words occur in the English training data: short English
    messages ("ok", "Tues 3pm", "I'm Jürgen") are what detectors get wrong, and the training words
    protect them. Both settings were chosen on the blind language set's development half
    (benchmarks/languages.py);
  - a message in another language becomes the intent `other_language` (a notice in that language with
    the clinic's phone numbers: actions/languages.py), never an English FAQ answer;
  - when it names a warning sign (the language's `warning_words`, or `any_language` for Arabic or
    Russian typed in Latin letters) it becomes `report_adverse_reaction` with that level, and the
    urgent reply comes in its language. A report the English check already made stays a report.
What it found goes into the parse result under `language`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from re import Pattern
from typing import Any, Optional

import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.core.constants import REQUESTED_SLOT
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.base import TrainedComponent
from components.spelling import as_typed, english_words

LANGUAGES_FILE = Path(__file__).resolve().parent.parent / "data" / "content" / "languages.yml"
OUTPUT_KEY = "language"
OTHER_LANGUAGE = "other_language"
REPORT_INTENT = "report_adverse_reaction"
WARNING_SIGN_KEY = "warning_sign"  # what components/warning_signs.py reports; actions/safety.py reads it
LEVELS = ("emergency", "urgent")
SCRIPTS = {"ar": ("\u0600", "\u06ff"), "ru": ("\u0400", "\u04ff")}  # letters that decide by themselves
FOLDED = str.maketrans({"ß": "ss", "ł": "l", "ı": "i", "ø": "o", "đ": "d", "ё": "е", "й": "и"})
WORD = re.compile(r"[^\W\d_]+")
WORD_LISTS = {"es", "fr", "de", "it", "pt", "ru", "ar", "nl"}  # languages pyspellchecker ships word lists for
SURE_WITHOUT_WORD_LIST = 0.5  # lingua's confidence needed for a language without a word list
UNSURE_ENGLISH_BELOW = 0.5  # a message taken for English with fewer known words: every language's warning words


def fold(text: str) -> str:
    """Lower case without accents ("Höllisch" -> "hollisch"), so patients' unaccented typing matches."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(FOLDED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words_pattern(words: Iterable[str], prefixes: Iterable[str] = ()) -> Optional[Pattern]:
    """One pattern matching any of `words` at the start of a word, after folding; `prefixes` are what a
    language may join to the front of a word (Arabic "ال", "و")."""
    folded = sorted({fold(w) for w in words if str(w).strip()}, key=len, reverse=True)
    joined = sorted({fold(p) for p in prefixes}, key=len, reverse=True)
    front = "(?:" + "|".join(re.escape(p) for p in joined) + ")?" if joined else ""
    return re.compile(r"(?<!\w)" + front + "(?:" + "|".join(re.escape(w) for w in folded) + ")") if folded else None


def load_languages(path: Path = LANGUAGES_FILE) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


class WarningWords:
    """Per language and level, the words that name a warning sign (data/content/languages.yml)."""

    def __init__(self, content: dict[str, Any]) -> None:
        anywhere = content.get("any_language") or {}
        self.patterns: dict[str, dict[str, Optional[Pattern]]] = {
            code: {
                level: words_pattern(
                    list((block.get("warning_words") or {}).get(level) or []) + list(anywhere.get(level) or []),
                    block.get("word_prefixes") or [],
                )
                for level in LEVELS
            }
            for code, block in (content.get("languages") or {}).items()
        }
        self.anywhere = {level: words_pattern(anywhere.get(level) or []) for level in LEVELS}
        every = (content.get("languages") or {}).values()
        self.every_language = {
            level: words_pattern(
                [w for block in every for w in (block.get("warning_words") or {}).get(level) or []]
                + list(anywhere.get(level) or []),
                [p for block in every for p in block.get("word_prefixes") or []],
            )
            for level in LEVELS
        }

    def level(self, text: str, language: str, unsure: bool = False) -> Optional[str]:
        """ "emergency" or "urgent" when the text names a warning sign in `language`, else None.

        `unsure`: the message was taken for English but most of its words are not English ones, so
        every language's words are looked for (a French report lingua took for English)."""
        folded = fold(text)
        patterns = self.every_language if unsure else self.patterns.get(language, self.anywhere)
        for level in LEVELS:
            pattern = patterns.get(level)
            if pattern is not None and pattern.search(folded):
                return level
        return None


def script_language(text: str) -> Optional[str]:
    """The language whose script holds at least half of the text's letters (Arabic, Cyrillic), if any."""
    letters = [c for c in text if c.isalpha()]
    for code, (low, high) in SCRIPTS.items():
        if letters and sum(low <= c <= high for c in letters) / len(letters) >= 0.5:
            return code
    return None


def known_share(text: str, known: set[str]) -> float:
    """The share of the text's words that occur in the English training data (1.0 without words)."""
    words = WORD.findall(text.lower())
    return sum(w in known for w in words) / len(words) if words else 1.0


def decide(confidences: dict[str, float], share_known: float, margin: float, known_below: float) -> str:
    """The language of a Latin-script message from lingua's confidences and the share of known words."""
    top = max(confidences, key=confidences.__getitem__) if confidences else "en"
    if top != "en" and confidences[top] - confidences.get("en", 0.0) >= margin and share_known < known_below:
        return top
    return "en"


class LanguageDetector:
    """English or one of the languages with texts, for one chat message."""

    def __init__(self, codes: Iterable[str], known: set[str], margin: float, known_below: float) -> None:
        from lingua import IsoCode639_1, LanguageDetectorBuilder
        from spellchecker import SpellChecker

        self.codes = sorted(set(codes) | {"en"})
        # A training word counts as English only if an English word list has it too: the training data
        # holds a few phrasings in other languages ("mesoterapia para celulitis…", "¿hacen depilación…?")
        # whose words must not make a Spanish message look English.
        english = english_words()
        self.known = {word for word in known if english.word_frequency[word] > 0}
        self.word_lists = {
            code: SpellChecker(language=code) for code in self.codes if code != "en" and code in WORD_LISTS
        }
        self.margin, self.known_below = margin, known_below
        self.lingua = (
            LanguageDetectorBuilder.from_iso_codes_639_1(*[IsoCode639_1.from_str(code) for code in self.codes])
            .with_preloaded_language_models()
            .build()
        )

    def detect(self, text: str) -> dict[str, Any]:
        """The language code, with what decided it (kept in the parse result so a benchmark can replay)."""
        if not any(c.isalpha() for c in text):
            return {"code": "en", "by": "no letters"}
        by_script = script_language(text)
        if by_script:
            return {"code": by_script, "by": "script"}
        confidences = {
            v.language.iso_code_639_1.name.lower(): round(v.value, 4)
            for v in self.lingua.compute_language_confidence_values(text)
        }
        share = known_share(text, self.known)
        top = dict(sorted(confidences.items(), key=lambda kv: -kv[1])[:3])
        code = decide(confidences, share, self.margin, self.known_below)
        if code != "en" and not self.has_a_word_of(code, text, confidences[code]):
            code = "en"  # keyboard mashing ("asdfgh", "hdjsk lol") is not a language: it stays unclear
        return {
            "code": code,
            "by": "lingua",
            "confidences": {**top, "en": confidences.get("en", 0.0)},
            "known_share": round(share, 4),
        }

    def has_a_word_of(self, code: str, text: str, confidence: float) -> bool:
        """Whether one of the words is in that language's word list (pyspellchecker has lists for
        Spanish, French, German, Italian, Portuguese, Russian, Arabic and Dutch); for the others,
        whether lingua is fairly sure."""
        if code not in self.word_lists:
            return confidence >= SURE_WITHOUT_WORD_LIST
        words = self.word_lists[code]
        return any(word in words for word in WORD.findall(text.lower()))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class OtherLanguageCheck(TrainedComponent, IntentClassifier):
    """Turns a message in another language into `other_language`, or a report if it names a warning sign."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # While a form asks for one of these slots, a message is an answer, not a language: "Maria
        # Lopes" looks Portuguese to any detector. A warning word still counts.
        return {"margin_over_english": 0.2, "known_words_below": 0.5, "answers_to": ["patient_name"]}

    def use_trained(self, known: Optional[set[str]] = None, content: Optional[dict[str, Any]] = None) -> None:
        self.known = known or set()
        self.content = content or {"languages": {}}
        self.names = {code: block.get("name", code) for code, block in self.content["languages"].items()}
        self.words = WarningWords(self.content)
        self.detector: Optional[LanguageDetector] = None
        if self.known:
            self.detector = LanguageDetector(
                self.content["languages"],
                self.known,
                float(self.component_config["margin_over_english"]),
                float(self.component_config["known_words_below"]),
            )

    def train(self, training_data: TrainingData) -> Resource:
        """Remembers the training data's words. The languages and their warning words are read from
        data/content/languages.yml when the model loads, so editing them needs no new model (Rasa's
        training cache would not see a change to that file)."""
        known: set[str] = set()
        for example in training_data.intent_examples:
            known.update(WORD.findall((example.get(TEXT) or "").lower()))
        with self._storage.write_to(self._resource) as directory:
            (directory / "known_words.json").write_text(json.dumps(sorted(known)), encoding="utf-8")
        return self._resource

    @classmethod
    def read_state(cls, directory: Path) -> tuple[Any, ...]:
        return set(json.loads((directory / "known_words.json").read_text(encoding="utf-8"))), load_languages()

    def process(self, messages: list[Message], tracker: Optional[DialogueStateTracker] = None) -> list[Message]:
        """`tracker`: the conversation so far, which Rasa 3.6's recipe passes to a `process` that asks for it."""
        if self.detector is None:
            return messages
        answering = tracker is not None and tracker.get_slot(REQUESTED_SLOT) in self.component_config.get(
            "answers_to", []
        )
        for message in messages:
            text = as_typed(message)  # before components/spelling.py corrected anything
            if not text or text.startswith("/"):  # buttons and Rasa's own intents
                continue
            found = self.detector.detect(text)
            code = found["code"]
            unsure = code == "en" and found.get("known_share", 1.0) < UNSURE_ENGLISH_BELOW
            level = self.words.level(text, code, unsure)
            message.set(
                OUTPUT_KEY,
                {**found, "name": self.names.get(code, "English"), "warning_level": level},
                add_to_output=True,
            )
            if (code == "en" or answering) and level is None:
                continue
            already = (message.get(WARNING_SIGN_KEY) or {}).get("reported")
            if level is not None and not already:
                message.set(
                    WARNING_SIGN_KEY,
                    {
                        "reported": True,
                        "level": level,
                        "kind": None,
                        "classified_as": (message.get(INTENT) or {}).get("name"),
                        "by": "warning words",
                    },
                    add_to_output=True,
                )
            intent = REPORT_INTENT if level is not None or already else OTHER_LANGUAGE
            if code == "en" and intent != REPORT_INTENT:
                continue
            flagged = {"name": intent, "confidence": 1.0}
            ranking = [r for r in message.data.get(INTENT_RANKING_KEY, []) if r.get("name") != intent]
            message.data[INTENT] = flagged
            message.data[INTENT_RANKING_KEY] = [flagged] + ranking
        return messages
