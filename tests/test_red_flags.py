"""The safety net: described warning signs always count as a reported reaction; questions don't."""
from __future__ import annotations

import pytest

from components.red_flags import load_patterns, red_flag

PATTERNS = load_patterns()


@pytest.mark.parametrize("message", [
    "one of the injection spots is red hot and has pus in it",
    "I feel like my throat is tightening since the injections, help",
    "i cant breathe properly and my lips are swelling",
    "I've had a fever since my meso yesterday",
    "my face is really swollen and hot two days after meso",
    "there are hard lumps under my skin where she injected",
    "the skin on my chin is turning dark",
    "red streaks are spreading out from the injection sites",
    "struggling to swallow",
    "I think I'm having an allergic reaction",
    "it looks infected",
    "the pain is getting worse not better",
    "the ache in my left cheek keeps getting worse since friday",
    "my entire face has blown up overnight",
    "one eye is swollen shut this morning",
    "the injection area is hot to the touch",
    "a small bruise by my nose is turning purple",
    "the bumps where she injected are getting bigger",
    # Still there days later: the article gives hours for redness and swelling to settle.
    "the bumps from the injections are still there after 3 days, is that normal",
    "5 days later and my face is still swollen",
    "is it normal to still have some swelling after two days",
    "it's been a week and the redness is still there",
    "the lumps haven't gone down and it's been 4 days",
])
def test_warning_signs_are_caught(message):
    assert red_flag(message, PATTERNS)


@pytest.mark.parametrize("message", [
    "will my face swell?", "is swelling normal after mesotherapy", "what are the side effects",
    "does it cause bruising", "can I have it if I have a skin infection", "can it help with dark spots",
    "how long does the redness last", "will I have lumps after", "does it hurt", "what if I have an allergic reaction",
    "Sam Taylor", "it's for the puffiness under my eyes", "hyperpigmentation dark patches on my cheeks",
    "can it fix dark circles", "help me book an appointment", "my skin looks dull and grey",
    "does the swelling get worse before it gets better", "will my pigmentation get darker in summer",
    "how long until the swelling goes down", "it's been a few hours and the redness is still there",
    "the swelling hasn't gone down yet, it's only been an hour", "i still have bruises after 4 days",
    "will I still be red the next day", "still thinking about booking in a few days",
])
def test_questions_and_form_answers_are_not(message):
    assert red_flag(message, PATTERNS) is None
