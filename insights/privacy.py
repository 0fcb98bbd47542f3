"""Masking: what keeps names, phone numbers and e-mails out of the report.

Applied once, when a message is read (`insights.conversations`), so charts, tables, the JSON
figures and the export only ever see masked text. Two rules:
  * a message typed while a form was asking for one of its slots is an answer (a name, a contact, a
    health concern, a reference code) and its text is dropped altogether;
  * any other text has e-mail addresses, phone numbers (libphonenumber, plus long digit runs) and
    self-introductions ("my name is Jo Bloggs") replaced with placeholders.
"""

from __future__ import annotations

import re

import phonenumbers

EMAIL = "[e-mail]"
PHONE = "[phone]"
NAME = "[name]"

_EMAIL = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+\.[^\s<>()\[\],;:\"']+")
_DIGIT_RUN = re.compile(r"\+?\d[\d\s().\-/]{5,}\d")  # masked when it holds 7+ digits and is no date
_DATE = re.compile(r"\d{1,4}([-/.])\d{1,2}\1\d{1,4}")
# A cue ("my name is", "I'm", "call me") then one to three Capitalised words.
_INTRODUCTION = re.compile(
    r"(?i:\b(?:my name is|my name's|name's|i am|i'm|im|this is|call me)\s+)"
    r"([A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*){0,2})"
)


def mask(text: str | None, region: str = "GB") -> str:
    """The text with e-mails, phone numbers and self-introduced names replaced by placeholders."""
    text = _EMAIL.sub(EMAIL, text or "")
    spans = [(m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(text, region)]
    for start, end in reversed(spans):
        text = text[:start] + PHONE + text[end:]
    text = _DIGIT_RUN.sub(_digit_run, text)
    text = _INTRODUCTION.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + NAME, text)
    return re.sub(r"\s+", " ", text).strip()


def _digit_run(match: re.Match[str]) -> str:
    """Numbers libphonenumber does not recognise (foreign, mistyped) are masked all the same."""
    run = match.group(0).strip()
    if sum(c.isdigit() for c in run) < 7 or _DATE.fullmatch(run):
        return match.group(0)
    return PHONE


def is_form_answer(active_loop: str | None, requested_slot: str | None) -> bool:
    """Was the message typed as the answer to a form's question? Then it is personal: never shown.

    Every slot the booking and lookup forms ask for (domain.yml `forms:`) is typed free text:
    consent, name, contact, preferred time, health concern, reference code. So any slot counts,
    including one a form gains later: hiding one answer too many costs nothing, showing one name
    is a breach.
    """
    return bool(active_loop) and bool(requested_slot)
