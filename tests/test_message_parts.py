"""Several questions in one message, and follow-ups read with the previous question (issue 18, items 1-2).

The splitting and the collector's decisions without a trained model; tests/test_blind_conversations.py
runs the blind conversations against the real servers, and benchmarks/nlu_eval.py measures how often
a single held-out question is wrongly answered as several.
"""

from __future__ import annotations

import asyncio

import pytest
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from actions import questions as answering
from components.message_parts import (
    FOLLOW_UP_KEY,
    PART_OF,
    QUESTIONS_KEY,
    MessageParts,
    PartsCollector,
    question_parts,
    split_message,
)
from tests.harness.trackers import DOMAIN, make_tracker, texts


@pytest.mark.parametrize(
    "text, parts",
    [
        ("does it hurt and how long is the downtime?", ["does it hurt", "how long is the downtime?"]),
        ("Hi! how much is it? how many sessions would I need", ["how much is it?", "how many sessions would I need"]),
        (
            "what's in it\ncan I have it on blood thinners\nhow long does it take",
            ["what's in it", "can I have it on blood thinners", "how long does it take"],
        ),
        (
            "can it help acne scars? also does it do anything for dark spots",
            ["can it help acne scars?", "does it do anything for dark spots"],
        ),
        (
            "who invented it, is there proof it works and also how happy are patients",
            ["who invented it", "is there proof it works", "how happy are patients"],
        ),
        ("how much does it cost and can i book a session", ["how much does it cost", "can i book a session"]),
        ("does it help wrinkles? also i would like to book", ["does it help wrinkles?", "i would like to book"]),
    ],
)
def test_questions_are_split_in_the_order_asked(text, parts):
    assert question_parts(text) == parts


@pytest.mark.parametrize(
    "text",
    [
        "can I wash and moisturise my face after?",
        "is it good for fine lines and wrinkles around the eyes?",
        "how is it different from botox and fillers",
        "should i stop alcohol and fish oil before?",
        "will it make my texture and tone better, its quite uneven",
        "I have rosacea. Can I have it?",
        "a? b? c? d? e?",  # more than three: one message, the whole decides
    ],
)
def test_one_question_stays_whole(text):
    assert question_parts(text) == [text]


def test_a_statement_after_the_last_question_is_kept_apart():
    parts, statements, _ = split_message("is bruising normal?? and theres a grey patch that hurts so bad")
    assert parts == ["is bruising normal??"] and statements == ["theres a grey patch that hurts so bad"]


def faq(text: str, topic: str, confidence: float = 0.9) -> Message:
    message = Message(
        data={
            "text": text,
            "intent": {"name": "faq", "confidence": confidence},
            "intent_ranking": [{"name": "faq", "confidence": confidence}],
        }
    )
    message.set(
        "response_selector",
        {"faq": {"response": {"intent_response_key": f"faq/{topic}", "utter_action": f"utter_faq/{topic}"}}},
    )
    return message


def batch(whole: Message, parts):
    """What MessageParts adds, as the later components leave it."""
    whole.set("parts_id", "k")
    for role, message in parts:
        message.set(PART_OF, ("k", role))
    return [whole] + [m for _, m in parts]


def test_two_different_answers_make_several_questions():
    whole = faq("does it hurt and how long is the downtime?", "downtime")
    [out] = PartsCollector().process(
        batch(
            whole,
            [("question", faq("does it hurt", "pain")), ("question", faq("how long is the downtime?", "downtime"))],
        )
    )
    assert out.get("intent")["name"] == "several_questions"
    assert [q["topic"] for q in out.get(QUESTIONS_KEY)] == ["faq/pain", "faq/downtime"]


def test_the_same_answer_twice_is_one_question():
    whole = faq("whats the procedure like, do I lie down?", "during_procedure")
    [out] = PartsCollector().process(
        batch(
            whole,
            [
                ("question", faq("whats the procedure like", "during_procedure")),
                ("question", faq("do I lie down?", "during_procedure")),
            ],
        )
    )
    assert out.get("intent")["name"] == "faq" and out.get(QUESTIONS_KEY) is None


def test_a_warning_sign_in_any_part_is_urgent_first_and_alone():
    whole = faq("is bruising normal? and my cheek is grey and hurts", "side_effects_risks")
    report = Message(
        data={
            "text": "my cheek is grey and hurts",
            "intent": {"name": "report_adverse_reaction"},
            "warning_sign": {"reported": True, "level": "urgent", "kind": "blocked_vessel"},
        }
    )
    [out] = PartsCollector().process(batch(whole, [("statement", report)]))
    assert out.get("intent")["name"] == "report_adverse_reaction"
    assert out.get("warning_sign")["level"] == "urgent"


def test_a_follow_up_unsure_alone_is_read_with_the_previous_question():
    whole = Message(data={"text": "and how far apart?", "intent": {"name": "nlu_fallback", "confidence": 0.3}})
    context = faq("how many sessions do i need? and how far apart?", "number_of_sessions")
    [out] = PartsCollector().process(batch(whole, [("context", context)]))
    assert out.get("intent")["name"] == "faq"
    assert out.get("response_selector")["faq"]["response"]["utter_action"] == "utter_faq/number_of_sessions"
    assert out.get(FOLLOW_UP_KEY)["alone"] == "nlu_fallback"


def test_a_follow_up_understood_alone_keeps_its_own_reading():
    whole = faq("is that painful?", "pain")
    [out] = PartsCollector().process(
        batch(whole, [("context", faq("what happens? is that painful?", "during_procedure"))])
    )
    assert out.get("response_selector")["faq"]["response"]["utter_action"] == "utter_faq/pain"


def test_the_follow_up_context_is_the_previous_answered_question():
    tracker = DialogueStateTracker.from_events(
        "p", [UserUttered("how many sessions do i need?", intent={"name": "faq", "confidence": 0.9})]
    )
    out = MessageParts({"most_questions": 3, "follow_up_words": 8}).process(
        [Message(data={"text": "and how far apart?"})], tracker
    )
    assert [m.get("text") for m in out] == ["and how far apart?", "how many sessions do i need? and how far apart?"]
    # A long message, or no answered question before it, adds nothing.
    assert (
        len(
            MessageParts({"most_questions": 3, "follow_up_words": 8}).process(
                [Message(data={"text": "and how far apart?"})], DialogueStateTracker.from_events("p", [])
            )
        )
        == 1
    )


@pytest.mark.parametrize(
    "before, follow_up, read_as",
    [
        ("what should i do after the treatment", "and before?", "what should i do before the treatment and before?"),
        ("Anything to avoid beforehand?", "and afterwards?", "Anything to avoid afterwards? and afterwards?"),
        ("can I drink alcohol before and after?", "and after?", "can I drink alcohol before and after? and after?"),
        ("how many sessions do i need?", "and before?", "how many sessions do i need? and before?"),
    ],
)
def test_a_follow_up_about_the_other_side_of_the_treatment_asks_the_same_of_that_side(before, follow_up, read_as):
    """ "and before?" after an aftercare question asks for the care before, not more aftercare."""
    tracker = DialogueStateTracker.from_events(
        "p", [UserUttered(before, intent={"name": "ask_post_treatment_care", "confidence": 0.9})]
    )
    parts = MessageParts({"most_questions": 3, "follow_up_words": 8})
    out = parts.process([Message(data={"text": follow_up})], tracker)
    assert [m.get("text") for m in out] == [follow_up, read_as]


def test_each_question_is_answered_in_order_with_one_set_of_buttons(clock_at):
    from rasa_sdk.executor import CollectingDispatcher

    clock_at(2026, 11, 24, 10, 0)
    questions = [
        {"text": "does it hurt", "intent": "faq", "utter_action": "utter_faq/pain"},
        {"text": "how long is the downtime?", "intent": "faq", "utter_action": "utter_faq/downtime"},
        {"text": "what about the moon", "intent": "nlu_fallback"},
    ]
    tracker = make_tracker("does it hurt and how long is the downtime? what about the moon", "several_questions")
    tracker.latest_message["questions"] = questions
    dispatcher = CollectingDispatcher()
    events = asyncio.run(answering.ActionAnswerQuestions().run(dispatcher, tracker, DOMAIN))
    sent = dispatcher.messages
    assert [m.get("utter_action") for m in sent[:2]] == ["utter_faq/pain", "utter_faq/downtime"]
    assert sent[0]["text"] == DOMAIN["responses"]["utter_faq/pain"][0]["text"] and not sent[0]["buttons"]
    assert sent[2]["response"] == "utter_part_not_understood" and sent[2]["question"] == "what about the moon"
    assert [m for m in sent if m["buttons"]] == [sent[-1]] and events == []


def test_a_wish_to_book_comes_after_the_answers(clock_at):
    from rasa_sdk.executor import CollectingDispatcher

    clock_at(2026, 11, 24, 10, 0)
    tracker = make_tracker("how much is it and can i book", "several_questions")
    tracker.latest_message["questions"] = [
        {"text": "how much is it", "intent": "faq", "utter_action": "utter_faq/cost"},
        {"text": "can i book", "intent": "book_appointment"},
    ]
    dispatcher = CollectingDispatcher()
    events = asyncio.run(answering.ActionAnswerQuestions().run(dispatcher, tracker, DOMAIN))
    assert dispatcher.messages[0]["utter_action"] == "utter_faq/cost" and len(dispatcher.messages) == 1
    assert events == [{"event": "followup", "timestamp": None, "name": "booking_form"}]
    assert "utter_faq/cost" in texts(dispatcher.messages) or dispatcher.messages[0]["text"]


def test_a_question_after_an_introduction_is_read_on_its_own_when_the_whole_confuses():
    whole = Message(
        data={
            "text": "hey its Hannah Clarke, how much does it cost?",
            "intent": {"name": "out_of_scope", "confidence": 0.5},
        }
    )
    [out] = PartsCollector().process(batch(whole, [("core", faq("how much does it cost?", "cost"))]))
    assert out.get("response_selector")["faq"]["response"]["utter_action"] == "utter_faq/cost"
    assert out.get("core_question")["whole"] == "out_of_scope"


def test_a_follow_up_that_points_back_takes_the_surer_reading():
    whole = faq("what happens at it?", "during_procedure", 0.79)
    [out] = PartsCollector({"points_back_margin": 0.15}).process(
        batch(whole, [("context", faq("do i need a consultation? what happens at it?", "consultation", 0.98))])
    )
    assert out.get("response_selector")["faq"]["response"]["utter_action"] == "utter_faq/consultation"
    whole = faq("what happens at it?", "during_procedure", 0.97)
    [out] = PartsCollector().process(batch(whole, [("context", faq("…", "consultation", 0.95))]))
    assert out.get("response_selector")["faq"]["response"]["utter_action"] == "utter_faq/during_procedure"


def test_it_meaning_the_treatment_keeps_a_sure_reading_of_the_words_alone():
    """ "ok and how long does it take" after a question about pain: "it" is the treatment, and the model
    is not much surer of them joined to the pain question (0.94) than of the words alone (0.82), so they decide."""
    whole = faq("ok and how long does it take", "during_procedure", 0.82)
    [out] = PartsCollector({"points_back_margin": 0.15}).process(
        batch(whole, [("context", faq("is that painful? ok and how long does it take", "pain", 0.94))])
    )
    assert out.get("response_selector")["faq"]["response"]["utter_action"] == "utter_faq/during_procedure"
    assert not out.get("follow_up")


@pytest.mark.parametrize(
    "text, core",
    [
        ("hey it's Hannah Clarke, how much does it cost?", "how much does it cost?"),
        ("hi there, one thing before I decide: how long do results last", "how long do results last"),
        ("hello! probably a daft one but does it hurt", "does it hurt"),
        ("Good evening, I hope you can help me. Is it safe?", "Is it safe?"),
        ("how much does it cost?", None),  # nothing before the question: the whole is the question
        # small talk ending in a lead-in, the question in any shape after it
        ("my sister had it done and I was wondering meso for open pores?", "meso for open pores?"),
        ("sorry if this is a stupid question but mesotherapy while breastfeeding", "mesotherapy while breastfeeding"),
        ("I have a quick question about the numbing cream", "the numbing cream"),
        ("hi, just curious, results after one session?", "results after one session?"),
    ],
)
def test_the_question_after_small_talk_is_also_read_alone(text, core):
    from components.message_parts import core_question

    assert core_question(text) == core
