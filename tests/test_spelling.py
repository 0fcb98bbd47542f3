"""Typing slips are corrected to the assistant's own words before a message is read (components/spelling.py)."""

from __future__ import annotations

import pytest

from components.spelling import Speller

TRAINING_WORDS = {
    "mesotherapy": 900,
    "meso": 300,
    "results": 120,
    "sessions": 80,
    "blood": 30,
    "thinners": 10,
    "swallow": 5,
    "last": 60,
    "long": 90,
    "does": 200,
    "hurt": 70,
}


@pytest.fixture(scope="module")
def speller():
    return Speller(TRAINING_WORDS)


@pytest.mark.parametrize(
    "typed,meant",
    [
        ("how many meso sessoins for reuslts", "how many meso sessions for results"),
        ("Duration Of Mesohterapy Rseults", "Duration Of Mesotherapy Results"),
        ("meso on bolod thinnres ok?", "meso on blood thinners ok?"),
    ],
)
def test_slips_become_the_training_words_they_were_meant_to_be(speller, typed, meant):
    assert speller.correct(typed)[0] == meant


@pytest.mark.parametrize(
    "text",
    [
        "my name is Siobhan Ní Bhriain",  # names stay as typed
        "e-mail maria.lopez@example.com please",  # so do addresses
        "BR-7K2M9Q status",  # and references
        "Is HIFU better than meso?",  # and capitals
        "how long does it last?",  # nothing to correct
    ],
)
def test_names_addresses_references_and_correct_words_are_left_alone(speller, text):
    assert speller.correct(text) == (text, [])


def test_a_message_in_another_language_is_left_alone(speller):
    text = "cuánto tiempo duran los resultados"
    assert speller.correct(text) == (text, [])


def test_what_was_typed_is_kept_beside_the_correction():
    from unittest.mock import MagicMock

    from rasa.shared.nlu.training_data.message import Message

    from components.spelling import SpellingCorrection, as_typed

    component = SpellingCorrection({}, MagicMock(), MagicMock(), TRAINING_WORDS)
    [message] = component.process([Message(data={"text": "how long do reuslts last"})])
    assert message.get("text") == "how long do results last"
    assert as_typed(message) == "how long do reuslts last"
    assert message.get("spelling")["corrected"] == [("reuslts", "results")]
