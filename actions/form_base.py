"""What every form step shares: one validation base class for the booking and lookup forms.

In the manner of Rasa's financial-demo (actions/custom_forms.py), a FormValidationAction subclass does
once what each question would otherwise do again:
  - a question asked mid-form is answered. A patient in the middle of a booking may ask "does it hurt?"
    instead of answering. The form answers it (FAQ, clinic info or care) and asks its question again,
    so nothing typed so far is lost;
  - an answer that cannot be used is re-prompted with the reason and an example, and misses are counted
    per question: after two on the same question the re-prompt also offers the clinic's phone number.

A form lists its questions in `steps`, slot name -> Step (how to read the answer, the example for the
re-prompt); the base class makes each `validate_<slot>` method from its entry, which is what rasa_sdk
calls. It also holds the slots both forms fill and how to forget them: every way out of a form clears
them, so the conversation tracker does not keep them.
"""

from __future__ import annotations

import datetime as dt
import re
from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.care import POST, PRE, care_message
from actions.clinic_info import clinic_info_message
from actions.questions import answer_each
from clinic import clock, content
from clinic.profile import ClinicProfile, profile
from clinic.validators import Result

# ---- The form slots, and forgetting them ----

BOOKING_SLOTS = (
    "booking_consent",
    "patient_name",
    "patient_contact",
    "preferred_time",
    "preferred_start",
    "preferred_window",
    "concern",
    "first_visit",
    "booking_confirm",
    "booking_change",
    "request_kind",
    "form_misses",
)
LOOKUP_SLOTS = ("booking_reference", "lookup_contact", "lookup_purpose")


def reset_booking_slots(tracker: Tracker) -> list[SlotSet]:
    """SlotSet(None) for every form slot that currently holds something (plus requested_slot)."""
    events = [SlotSet(slot, None) for slot in BOOKING_SLOTS + LOOKUP_SLOTS if tracker.get_slot(slot) is not None]
    return events + [SlotSet("requested_slot", None)]


# ---- Side questions ----

QUESTION_START = re.compile(
    r"^(what|whats|what's|how|hows|does|do|did|is|isn't|are|can|could|will|would|should|why|when|"
    r"where|which|who|any)\b",
    re.I,
)
ANSWERABLE = ("faq", "ask_clinic_info", "ask_pre_treatment_care", "ask_post_treatment_care")
MIN_CONFIDENCE = 0.6


def is_question(text: str) -> bool:
    text = (text or "").strip()
    return len(text.split()) >= 2 and (text.endswith("?") or bool(QUESTION_START.match(text)))


def answer_side_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, clinic: ClinicProfile, domain: dict[str, Any] | None = None
) -> bool:
    """If the latest message is a question we can answer, answer it and return True.

    Several questions at once (components/message_parts.py) are answered one by one; a wish to book
    among them is ignored, as the patient is in a form already."""
    message = tracker.latest_message or {}
    intent = message.get("intent") or {}
    if intent.get("name") == "several_questions" and message.get("questions"):
        answer_each(dispatcher, tracker, domain or {}, message["questions"])
        dispatcher.utter_message(response="utter_back_to_form")
        return True
    if intent.get("name") not in ANSWERABLE or (intent.get("confidence") or 0) < MIN_CONFIDENCE:
        return False
    if not is_question(message.get("text", "")):
        return False
    name = intent["name"]
    if name == "faq":
        response = ((message.get("response_selector") or {}).get("faq") or {}).get("response") or {}
        utter = response.get("utter_action")
        if not utter:
            return False
        dispatcher.utter_message(response=utter)
    elif name == "ask_clinic_info":
        dispatcher.utter_message(text=clinic_info_message(clinic, clock.now()))
    else:
        kind = PRE if name == "ask_pre_treatment_care" else POST
        dispatcher.utter_message(text=care_message(kind, None, clinic, clock.now())[0])
    dispatcher.utter_message(response="utter_back_to_form")
    return True


# ---- Re-prompts and repeated misses ----


def note_failure(tracker: Tracker, slot: str) -> dict[str, Any]:
    """Count misses per question in the `form_misses` slot."""
    misses = dict(tracker.get_slot("form_misses") or {})
    misses[slot] = int(misses.get(slot, 0)) + 1
    return {"form_misses": misses}


def reprompt(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    slot: str,
    reason: str,
    clinic: ClinicProfile,
    example: str | None = None,
) -> dict[str, Any]:
    """Say what was wrong (and after two misses how else to reach us); the form then asks again."""
    misses = note_failure(tracker, slot)
    text = reason
    if example:
        text += f" {example}"
    if misses["form_misses"][slot] >= 2:
        text += " " + content.text("booking", "repeated_miss", phone=clinic.phone)
    dispatcher.utter_message(text=text)
    return {slot: None, **misses}


# ---- One step of a form ----


@dataclass
class Answer:
    """One message offered for one slot, with what a step needs to read it."""

    value: Any  # what the slot mapping extracted
    dispatcher: CollectingDispatcher
    tracker: Tracker
    clinic: ClinicProfile

    @property
    def text(self) -> str:
        return self.tracker.latest_message.get("text") or ""

    @property
    def intent(self) -> str | None:
        return (self.tracker.latest_message.get("intent") or {}).get("name")

    @cached_property
    def now(self) -> dt.datetime:
        """Read once, so the check and its example speak of the same moment."""
        return clock.now()


# When a question asked instead of an answer is answered: before reading the answer (most steps: a
# question such as "does it hurt?" may read as a reason for the visit), only if the answer cannot be
# read (a reference inside a question is still a reference), or never (a button choice).
FIRST, ON_MISS, NEVER = "first", "on_miss", "never"


@dataclass(frozen=True)
class Step:
    """One question of a form: how to read the answer, and what to add when it can't be read.

    `parse` returns (value, None) or (None, reason), as clinic/validators.py does; `example` (text, or
    made from the Answer) follows the reason in the re-prompt; `accept` turns a read value into slot
    values (by default {slot: value})."""

    parse: Callable[[Answer], Result[Any]]
    example: None | str | Callable[[Answer], str] = None
    accept: Callable[[Answer, Any], dict[str, Any]] | None = None
    side_questions: str = FIRST


class ClinicFormValidation(FormValidationAction):
    """A FormValidationAction whose `validate_<slot>` methods come from its `steps` table."""

    steps: ClassVar[dict[str, Step]] = {}

    @abstractmethod
    def name(self) -> str:
        """Abstract, so the action server does not register this base class as an action."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for slot in cls.steps:
            if f"validate_{slot}" not in vars(cls):  # a hand-written validator wins
                setattr(cls, f"validate_{slot}", _validator_for(slot))

    async def validate_step(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Answer a side question, or read the answer, or re-prompt: the one shape of every step."""
        step = self.steps[slot]
        answer = Answer(value, dispatcher, tracker, profile())
        if step.side_questions == FIRST and answer_side_question(dispatcher, tracker, answer.clinic, domain):
            return {slot: None}
        read, problem = step.parse(answer)
        if not problem:
            return step.accept(answer, read) if step.accept else {slot: read}
        if step.side_questions == ON_MISS and answer_side_question(dispatcher, tracker, answer.clinic, domain):
            return {slot: None}
        example = step.example(answer) if callable(step.example) else step.example
        return reprompt(dispatcher, tracker, slot, problem, answer.clinic, example)


def _validator_for(slot: str) -> Callable[..., Any]:
    """The `validate_<slot>` method rasa_sdk looks up, made from the step's entry."""

    async def validate(
        self: ClinicFormValidation, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self.validate_step(slot, value, dispatcher, tracker, domain)

    validate.__name__ = validate.__qualname__ = f"validate_{slot}"
    validate.__doc__ = f"Validate `{slot}` as its entry in `steps` says."
    return validate
