"""Frames for the readers: each catalogue phrasing also wrapped as patients wrap a report.

Why: the hardest reports come wrapped: about someone else ("my daughter…"), ending in a question
("…should she come in?"), or played down ("probably nothing but…"). The fine-tuned readers
(components/report_reader.py) read a wrapped report as a question and gave three development
reports 0.02-0.04 while the classifier's first choice was a report. Writing every catalogue phrasing
again in each frame by hand would triple the catalogue; this makes one framed copy of each report
and of each harmless look-alike at training time instead, the look-alikes too so that the readers
learn that the frame decides nothing: "probably nothing but my lip is a bit swollen two hours after"
stays harmless, "probably nothing but I can't see out of one eye" stays a report.

The frame for each phrasing comes from its text's SHA-256, so every training makes the same copies.
The frames are the team's own wording (the voices issue 16 lists), not taken from any blind set.
Used for the readers' training only (not the networks', not the classifier's).
"""

from __future__ import annotations

import re

from components.training_variants import text_random

# About someone else: the phrasing's first person turned into the third ("my" -> "her").
THIRD_PARTY_LEADS = [
    "My mum had the injections on Tuesday and ",
    "asking for my sister, ",
    "My daughter had meso done and now ",
    "my friend had it at your clinic, she says ",
    "Writing for my wife: ",
    "my mother doesn't type much english so I write for her, ",
]
UNDERSTATED_LEADS = [
    "Probably nothing but ",
    "sorry if I'm overreacting, ",
    "not sure if this matters but ",
    "I don't want to make a fuss, ",
    "it's most likely fine, but ",
    "Hi, quick question, ",
]
QUESTION_TAILS = [
    " should I come in?",
    " is that ok??",
    " do I need to do anything?",
    " or am I worrying over nothing",
    " is this normal",
    " what should I do",
    " should I wait and see?",
]
# First person to third, in the order applied; whole words, any case ("My" -> "her"). The verb is left
# as it is ("I feel" -> "she feel"): patients writing in a second language type it so too.
THIRD_PERSON = [
    (r"\bI'm\b", "she's"),
    (r"\bIm\b", "she's"),
    (r"\bI am\b", "she is"),
    (r"\bI've\b", "she's"),
    (r"\bI have\b", "she has"),
    (r"\bI was\b", "she was"),
    (r"\bI\b", "she"),
    (r"\bmyself\b", "herself"),
    (r"\bmy\b", "her"),
    (r"\bme\b", "her"),
]


def in_third_person(text: str) -> str:
    """The phrasing told about someone else: "my lips are swollen" -> "her lips are swollen"."""
    for pattern, replacement in THIRD_PERSON:
        text = re.sub(pattern, replacement, text, flags=re.IGNORECASE)
    return text


def _after_lead(lead: str, text: str) -> str:
    """The phrasing after a lead, its first letter lowered as mid-sentence ("Probably nothing but my…"),
    except a leading "I " (a leading "I'm" is lowered as patients often type it)."""
    start = text[:1].lower() + text[1:] if not text.startswith("I ") else text
    return lead + start


def framed(text: str) -> str:
    """One framed copy of a phrasing: about someone else, played down, or ending in a question."""
    rng = text_random(text, "frame")
    frame = rng.choice(["someone else", "understated", "question"])
    if frame == "someone else":
        return _after_lead(rng.choice(THIRD_PARTY_LEADS), in_third_person(text))
    if frame == "understated":
        return _after_lead(rng.choice(UNDERSTATED_LEADS), text)
    return text.rstrip().rstrip(".") + rng.choice(QUESTION_TAILS)
