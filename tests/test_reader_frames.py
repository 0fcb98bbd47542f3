"""Frames for the readers: the copies a report or look-alike is also learnt in (components/reader_frames.py)."""

from collections import Counter

from components.reader_frames import (
    QUESTION_TAILS,
    THIRD_PARTY_LEADS,
    UNDERSTATED_LEADS,
    framed,
    in_third_person,
)

SAMPLES = [
    "my lips are swollen and I can't swallow properly",
    "I have a grey patch on my cheek and it hurts a lot",
    "the redness went after an hour",
    "what if my lips swell?",
    "Im shaking and my mouth is numb after the cream",
    "bruise on my jaw is turning yellow on day 5",
]


def test_a_report_told_about_someone_else_is_in_the_third_person():
    told = in_third_person("I have a grey patch on my cheek and I'm cold")
    assert told == "she has a grey patch on her cheek and she's cold"
    assert in_third_person("it hurts me") == "it hurts her"
    assert in_third_person("My face, i think, and I'd rather ask") == "her face, she think, and she'd rather ask"


def test_the_same_phrasing_gets_the_same_frame_on_every_training():
    """Fixed copies, not only equal ones within a run: Python's own hash() would change between trainings."""
    assert [framed(text) for text in SAMPLES] == [
        "Hi, quick question, my lips are swollen and I can't swallow properly",
        "not sure if this matters but I have a grey patch on my cheek and it hurts a lot",
        "the redness went after an hour is that ok??",
        "what if my lips swell? is this normal",
        "asking for my sister, she's shaking and her mouth is numb after the cream",
        "My daughter had meso done and now bruise on her jaw is turning yellow on day 5",
    ]


def test_every_frame_keeps_the_phrasing_and_adds_a_lead_or_a_tail():
    kinds: Counter = Counter()
    for i in range(300):
        text = f"my cheek has gone pale and cold, day {i}"
        copy = framed(text)
        if any(copy.startswith(lead) for lead in THIRD_PARTY_LEADS):
            kinds["someone else"] += 1
            assert "her cheek has gone pale and cold" in copy
        elif any(copy.startswith(lead) for lead in UNDERSTATED_LEADS):
            kinds["understated"] += 1
            assert copy.endswith(text)
        else:
            assert any(copy == text + tail for tail in QUESTION_TAILS), copy
            kinds["question"] += 1
    assert set(kinds) == {"someone else", "understated", "question"} and min(kinds.values()) > 50
