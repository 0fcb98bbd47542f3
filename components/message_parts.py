"""Several questions in one message, and short follow-ups read with the question before them.

Written for Rasa Open Source 3.6. Two NLU components, first and last in the pipeline (config.yml):

  - `MessageParts` (right after the spelling correction) adds messages to the batch the pipeline
    works on: each question of a message that asks up to three ("does it hurt and how long is the
    downtime?"), and, for a short follow-up ("and how far apart?"), the patient's previous question
    with the follow-up appended. Every later component reads them as it reads any message, so each
    part is classified, checked for warning signs and doubted exactly as a message of its own.
  - `PartsCollector` (last) takes the added messages out of the batch again and writes what they
    found into the patient's message (Rasa reads the first message of the batch as the parse result):
      * two or more parts with different answers: intent `several_questions`, the parts under
        `questions` (action_answer_questions answers each in order);
      * a part that is a warning sign: the whole message is that report (urgent care first and alone);
      * a follow-up the model was unsure of alone but understands with the previous question: the
        previous question's reading (`follow_up` says so in the parse result).

Why in NLU and not in a slot, TED or rules: which FAQ topic a follow-up means is a question of
understanding, and the topic is chosen by the classifier, not by a policy (TED predicts actions;
`utter_faq` is one action for every topic, and a response action cannot set a "last topic" slot).
Rasa's default recipe hands the conversation's tracker to any NLU component whose `process` has a
`tracker` parameter, so the follow-up is read with the patient's own previous words, by the same
classifier, and nothing of Rasa is patched. Messages with one question cost nothing extra; a message
split in two costs about two parses more.
"""

from __future__ import annotations

import re
import uuid
from typing import Any, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.base import ConfiguredComponent

PART_OF = "part_of"  # on an added message: (id of the patient's message, "question" | "context")
PARTS_ID = "parts_id"  # on the patient's message: the id its added messages carry
QUESTIONS_KEY = "questions"  # in the parse result: what each question asked for
FOLLOW_UP_KEY = "follow_up"  # in the parse result: the follow-up was read with the previous question
SEVERAL = "several_questions"
REPORT = "report_adverse_reaction"
FALLBACK = "nlu_fallback"
ANSWERABLE = {
    "faq",
    "ask_pre_treatment_care",
    "ask_post_treatment_care",
    "ask_clinic_info",
    "ask_warning_signs",
    "book_appointment",
}
SELECTOR_KEY = "response_selector"
UNSURE = {FALLBACK, "out_of_scope"}
NOT_COVERED = "faq/not_covered"
CORE_KEY = "core_question"  # in the parse result: the question was read without what came before it
_POINTS_BACK = re.compile(
    r"\b(?:it|that|this|those|them)\b", re.IGNORECASE
)  # the model alone could not answer: "Did you mean…?" or a refusal

QUESTION_WORDS = (
    r"what|whats|what's|how|hows|how's|does|do|did|is|isnt|isn't|are|aren't|can|cant|can't|"
    r"could|will|would|should|why|when|where|which|who|whos|who's|any|am|if|was|were|has|have"
)
# Where one question ends and the next begins: a question mark, a new line, or "and" / "also" / "but" /
# a comma, colon or full stop directly before a question word ("does it hurt and how long…", "who
# invented it, is there proof…", "sorry if this is silly but how long…", "quick question: does it…").
# A booking wish joined on ("…and can i book", "also i would like to book") ends a question too.
_JOIN = re.compile(
    r"(?:\s*[,:]\s*(?:and\s+also|and|also|plus|but)?|\s*[.!]|\s+(?:and\s+also|and|also|plus|&|but))\s+"
    rf"(?=(?:also\s+)?(?:{QUESTION_WORDS}|i\s+(?:want|would|wanna|'d|d)|i'd|id\s+like)\b)",
    re.IGNORECASE,
)
_HARD_BREAK = re.compile(r"(?<=\?)(?!\?)\s*|\s*\n+\s*")
_LEADING = re.compile(r"^(?:and\s+also|and|also|plus|so|btw|oh|ok|okay|&)\b[\s,]*", re.IGNORECASE)
_GREETING = re.compile(
    r"^(?:(?:hi|hello|hey)\s+there|h+i+|he+y+|hello+|hiya|heya|"
    r"good\s+(?:morning|afternoon|evening))\b[\s,!.]*",
    re.IGNORECASE,
)
_WISH = re.compile(r"^(?:i\s+(?:want|would|wanna)|i'd|id\s+like)\b", re.IGNORECASE)  # "…also i would like to book"
_STARTS_QUESTION = re.compile(rf"^(?:{QUESTION_WORDS})\b", re.IGNORECASE)
# A short message that leans on the one before: "and how far apart?", "what about my neck?", "is that
# painful?", "fillers too?", "so it was for pain originally?".
_ELLIPTIC = re.compile(
    r"^(?:and|so|also|plus|but|or|what about|how about|same|then)\b"
    r"|\b(?:that|this|it|those|them|they|too|either|one)\b",
    re.IGNORECASE,
)


# Where small talk before a question ends, whatever word the question starts with: "I was wondering
# meso for dark spots?", "sorry if this is a silly one but meso on blood thinners", "quick question,
# numbing cream?". Only the core reading uses the cut (split_message): the words after it are read
# alone when the whole message leaves the model unsure.
_LEAD_IN = re.compile(
    r"\b(?:i\s*(?:was|am|'m|m)\s+(?:just\s+)?wondering(?:\s+about)?"
    r"|i\s+(?:wanted|want|wanna|would\s+like|'d\s+like)\s+to\s+(?:ask|know)(?:\s+about)?"
    r"|i\s+(?:have|had|got)\s+a\s+(?:quick\s+|small\s+|little\s+)?question(?:\s+about)?"
    r"|(?:a\s+)?(?:quick|silly|random|stupid|dumb|daft|small)\s+(?:question|one)"
    r"|sorry\s+if\s+this\s+is\s+(?:a\s+)?(?:silly|stupid|dumb|daft|basic|obvious)(?:\s+(?:one|question))?"
    r"|sorry\s+to\s+bother\s+you|i\s+hope\s+you\s+can\s+help(?:\s+me)?|just\s+curious)"
    r"(?:\s+(?:but|though|before\s+i\s+book))?\s*[,:;.!-]*\s+(?=\S)",
    re.IGNORECASE,
)


def _pieces(text: str) -> list[str]:
    """The message cut at every question boundary and after small talk, greeting and leading "and"/"also" removed."""
    pieces = []
    for chunk in _HARD_BREAK.split(_GREETING.sub("", (text or "").strip())):
        lead_in = _LEAD_IN.search(chunk)
        if lead_in and lead_in.end() < len(chunk):
            head, chunk = chunk[: lead_in.end()].strip(" ,"), chunk[lead_in.end() :]
            if head:
                pieces.append(head)
        for piece in _JOIN.split(chunk):
            piece = _LEADING.sub("", (piece or "").strip()).strip(" ,")
            if piece:
                pieces.append(piece)
    return pieces


def _is_question(piece: str) -> bool:
    return len(piece.split()) >= 2 and (
        piece.endswith("?") or bool(_STARTS_QUESTION.match(piece)) or bool(_WISH.match(piece))
    )


def split_message(text: str) -> tuple[list[str], list[str], Optional[str]]:
    """The questions in a message, in order; the statement after the last of them; and, for a message
    with one question and something before it, that question alone.

    A statement before a question is its context ("I have rosacea. Can I have it?") and goes with it;
    one after the last question ("does it bruise? also my lips are swelling") is kept apart, so the
    warning-sign check reads it on its own. The bare question lets "hey it's Hannah Clarke, how much
    does it cost?" be read as "how much does it cost?"."""
    pieces = _pieces(text)
    parts: list[str] = []
    pending = ""
    for piece in pieces:
        if not _is_question(piece):
            pending = f"{pending} {piece}".strip()
            continue
        parts.append(f"{pending} {piece}".strip())
        pending = ""
    statements = [pending] if pending and parts else []
    if not parts and pending:
        parts = [pending]
    core = None
    if (
        len(parts) == 1
        and not statements
        and len(pieces) > 1
        and pieces[-1] != parts[0]
        and len(pieces[-1].split()) >= 2
    ):
        core = pieces[-1]
    return parts, statements, core


def core_question(text: str) -> Optional[str]:
    """The one question of a message that says something else first, or None."""
    return split_message(text)[2]


def joined_parts(parts: list[str], statements: list[str], text: str, most: int = 3) -> list[str]:
    """The questions to answer one by one (a trailing statement goes with the last); [text] for one question."""
    if len(parts) < 2 or len(parts) > most:
        return [text]
    return parts[:-1] + [" ".join([parts[-1]] + statements)]


def question_parts(text: str, most: int = 3) -> list[str]:
    """The questions in a message, in order; just the message when it asks one thing (or more than `most`)."""
    parts, statements, _ = split_message(text)
    return joined_parts(parts, statements, text, most)


def is_elliptic(text: str, most_words: int = 8) -> bool:
    words = (text or "").split()
    return 0 < len(words) <= most_words and bool(_ELLIPTIC.search(text))


# Words a short follow-up uses to ask the same question of the other side of the treatment.
_OPPOSITES = {"before": "after", "after": "before", "beforehand": "afterwards", "afterwards": "beforehand"}
_TIME_SIDE = re.compile(r"\b(" + "|".join(_OPPOSITES) + r")\b", re.IGNORECASE)


def with_context(before: str, follow_up: str) -> str:
    """The previous question with the follow-up appended, as the follow-up asks it.

    "and before?" after "what should I do after the treatment" asks the same question of the other side
    of the treatment; appended as it stands, the previous question's "after" outweighs the one word that
    changes it (2026-12-05: more aftercare phrasings in the training data tipped it). So when the follow-up
    names one side and not the other, the previous question's word for the other side is swapped first."""
    said = {w.lower() for w in _TIME_SIDE.findall(follow_up)}
    asked = {w.lower() for w in _TIME_SIDE.findall(before)}
    if len(said) == 1 and not said & asked:
        side = said.pop()
        before = re.sub(rf"\b{_OPPOSITES[side]}\b", side, before, flags=re.IGNORECASE)
    return f"{before.rstrip()} {follow_up}"


def previous_question(tracker: Optional[DialogueStateTracker]) -> Optional[str]:
    """The patient's last message before this one, if it asked something the assistant answered."""
    if tracker is None:
        return None
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            intent = (event.intent or {}).get("name")
            if intent in ANSWERABLE - {"book_appointment"} and not (event.text or "").startswith("/"):
                return event.text
            return None
    return None


def reading(message: Message) -> dict[str, Any]:
    """What the pipeline made of one message: intent, FAQ topic, warning sign, language."""
    intent = dict(message.get(INTENT) or {})
    found: dict[str, Any] = {
        "text": message.get(TEXT),
        "intent": intent.get("name"),
        "confidence": intent.get("confidence"),
    }
    if found["intent"] == "faq":
        response = ((message.get(SELECTOR_KEY) or {}).get("faq") or {}).get("response") or {}
        found["topic"] = response.get("intent_response_key")
        found["utter_action"] = response.get("utter_action")
    if (message.get("warning_sign") or {}).get("reported"):
        found["warning_sign"] = message.get("warning_sign")
    return found


def answer_key(found: dict[str, Any]) -> Optional[str]:
    """What answers a part (its FAQ topic or its intent), or None if nothing would."""
    if found["intent"] not in ANSWERABLE:
        return None
    return found.get("topic") or found["intent"]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MessageParts(ConfiguredComponent):
    """Adds each question of a several-question message, and a follow-up with its context, to the batch."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"most_questions": 3, "follow_up_words": 8}

    def process(self, messages: list[Message], tracker: Optional[DialogueStateTracker] = None) -> list[Message]:
        added: list[Message] = []
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/") or message.get(PART_OF):
                continue
            key = uuid.uuid4().hex
            found, statements, core = split_message(text)
            parts = joined_parts(found, statements, text, self.component_config["most_questions"])
            extra = [(part, "question") for part in parts] if len(parts) > 1 else []
            # A statement after a question ("…? also my lips are swelling") is read for warning signs alone.
            extra += [(said, "statement") for said in statements if len(said.split()) >= 3]
            before = (
                previous_question(tracker)
                if len(parts) == 1 and is_elliptic(text, self.component_config["follow_up_words"])
                else None
            )
            if before:
                extra.append((with_context(before, text), "context"))
            if core and len(parts) == 1:  # read on its own too, in case what comes before it confuses the model
                extra.append((core, "core"))
            if extra:
                message.set(PARTS_ID, key)
                added += [Message(data={TEXT: part, PART_OF: (key, role)}) for part, role in extra]
        return messages + added


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class PartsCollector(ConfiguredComponent):
    """Takes the added messages out of the batch and writes what they found into the patient's message."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"points_back_margin": 0.1}

    def __init__(self, config: Optional[dict[str, Any]] = None) -> None:
        super().__init__({**self.get_default_config(), **(config or {})})

    def process(self, messages: list[Message]) -> list[Message]:
        originals = [m for m in messages if not m.get(PART_OF)]
        for message in originals:
            key = message.get(PARTS_ID)
            if not key:
                continue
            added = [(m.get(PART_OF)[1], m) for m in messages if (m.get(PART_OF) or (None,))[0] == key]
            questions = [reading(m) for role, m in added if role == "question"]
            statements = [reading(m) for role, m in added if role == "statement"]
            context = [m for role, m in added if role == "context"]
            core = [m for role, m in added if role == "core"]
            if self._report_in(message, questions + statements):
                continue
            if len(questions) > 1:
                self._several(message, questions)
                continue
            if core:
                self._core(message, core[0])
            if context:
                self._follow_up(message, context[0], self.component_config["points_back_margin"])
        return originals

    @staticmethod
    def _report_in(message: Message, parts: list[dict[str, Any]]) -> bool:
        """A part that is a warning sign makes the whole message that report: urgent care, first and alone."""
        if (message.get(INTENT) or {}).get("name") in (REPORT, "other_language"):
            return True  # urgent care or the language notice decides already
        reports = [part for part in parts if part.get("warning_sign")]
        if not reports:
            return False
        flagged = {"name": REPORT, "confidence": 1.0}
        message.set("warning_sign", {**reports[0]["warning_sign"], "in_part": reports[0]["text"]}, add_to_output=True)
        message.data[INTENT] = flagged
        message.data[INTENT_RANKING_KEY] = [flagged] + [
            r for r in message.data.get(INTENT_RANKING_KEY, []) if r.get("name") != REPORT
        ]
        return True

    @staticmethod
    def _several(message: Message, questions: list[dict[str, Any]]) -> None:
        keys = [answer_key(q) for q in questions]
        if len({k for k in keys if k}) < 2:
            return  # one thing asked after all ("can I wash and moisturise after?"): the whole message decides
        several = {"name": SEVERAL, "confidence": 1.0}
        message.set(QUESTIONS_KEY, questions, add_to_output=True)
        message.data[INTENT] = several
        message.data[INTENT_RANKING_KEY] = [several] + list(message.data.get(INTENT_RANKING_KEY, []))

    @staticmethod
    def _take(message: Message, other: Message, key: str, note: dict[str, Any]) -> None:
        """Give the patient's message the reading of an added one, and say so in the parse result."""
        for name in (INTENT, INTENT_RANKING_KEY, SELECTOR_KEY):
            if other.get(name) is not None:
                message.set(name, other.get(name), add_to_output=True)
        message.set(key, note, add_to_output=True)

    @classmethod
    def _core(cls, message: Message, core: Message) -> None:
        """Unsure of the whole message, but sure of its question alone: answer the question."""
        alone = (message.get(INTENT) or {}).get("name")
        found = reading(core)
        if alone in UNSURE and answer_key(found) and found["intent"] not in UNSURE:
            cls._take(message, core, CORE_KEY, {"read": core.get(TEXT), "whole": alone})

    @classmethod
    def _follow_up(cls, message: Message, context: Message, margin: float) -> None:
        """A short follow-up read with the patient's previous question, when that reads it better.

        Unsure alone (or only "not covered", or a bare detail): the reading with the previous question,
        if it answers something. A follow-up that points back ("what happens at it?") takes that
        reading too when the model is surer of it, by `margin`, than of the words alone: "it" is often
        the treatment itself ("ok and how long does it take", after a question about pain)."""
        mine, found = reading(message), reading(context)
        if answer_key(found) is None or found["intent"] == "book_appointment":
            return
        unsure = mine["intent"] in UNSURE | {"inform"} or mine.get("topic") == NOT_COVERED
        points_back = (
            bool(_POINTS_BACK.search(message.get(TEXT) or ""))
            and answer_key(found) != answer_key(mine)
            and (found.get("confidence") or 0) > (mine.get("confidence") or 0) + margin
        )
        if unsure or points_back:
            cls._take(
                message,
                context,
                FOLLOW_UP_KEY,
                {"read_with": context.get(TEXT), "alone": answer_key(mine) or mine["intent"]},
            )
