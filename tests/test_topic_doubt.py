"""The FAQ answer waits for the selector's own confidence in the topic (RasaHQ/rasa#9751)."""

from __future__ import annotations

from typing import Any

from rasa.shared.nlu.training_data.message import Message

from components.topic_doubt import TopicDoubt, topic_scores

CONFIG = {"answer_at": 0.5, "margin_at": 0.2}


def faq_message(ranking: list[dict[str, Any]], intent: str = "faq") -> Message:
    """A message as the pipeline leaves it before this step: the classifier sure it is an FAQ question."""
    message = Message(data={"text": "q"})
    message.data["intent"] = {"name": intent, "confidence": 0.99}
    message.data["intent_ranking"] = [{"name": intent, "confidence": 0.99}]
    message.data["response_selector"] = {
        "faq": {"ranking": [{"intent_response_key": key, "confidence": confidence} for key, confidence in ranking]}
    }
    return message


def judged(message: Message) -> Message:
    return TopicDoubt(CONFIG).process([message])[0]


def test_a_sure_topic_is_answered():
    message = judged(faq_message([("faq/pain", 0.9), ("faq/downtime", 0.05)]))
    assert message.get("intent")["name"] == "faq"
    assert message.get("topic_doubt") == {"topic": "faq/pain", "confidence": 0.9, "margin": 0.85, "doubtful": False}


def test_a_torn_selector_asks_did_you_mean_with_its_ranking_kept_for_the_buttons():
    """The intent is near 1.0 but the topic is a coin toss: 'Did you mean…?', not a confident answer."""
    message = judged(faq_message([("faq/how_it_works", 0.45), ("faq/evidence", 0.4)]))
    assert message.get("intent")["name"] == "nlu_fallback"
    assert message.get("intent_ranking")[1]["name"] == "faq"
    assert message.get("topic_doubt")["doubtful"] is True


def test_a_clear_winner_with_a_low_score_is_still_doubted():
    assert judged(faq_message([("faq/cost", 0.4), ("faq/pain", 0.1)])).get("intent")["name"] == "nlu_fallback"


def test_other_intents_are_left_alone():
    message = judged(faq_message([("faq/cost", 0.3), ("faq/pain", 0.3)], intent="book_appointment"))
    assert message.get("intent")["name"] == "book_appointment"
    assert message.get("topic_doubt") is None


def test_the_scores_are_read_from_the_parse_result():
    parse = {
        "response_selector": {
            "faq": {
                "ranking": [
                    {"intent_response_key": "faq/cost", "confidence": 0.7},
                    {"intent_response_key": "faq/pain", "confidence": 0.2},
                ]
            }
        }
    }
    topic, confidence, margin = topic_scores(parse)
    assert (topic, confidence) == ("faq/cost", 0.7) and abs(margin - 0.5) < 1e-9
    assert topic_scores({}) == (None, 0.0, 0.0)
