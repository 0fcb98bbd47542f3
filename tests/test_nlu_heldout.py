"""Held-out NLU evaluation with `rasa test nlu`: the model must understand messages it never saw.

tests/nlu/heldout.yml is never used for training (it was written separately from data/, phrased
differently, and includes out-of-scope messages). Thresholds: intent accuracy >= 0.90, every FAQ
topic's F1 >= 0.75, out-of-scope recall >= 0.85 (a message that falls back, or is in another language and gets the
notice in it, counts as refused: nothing is answered; so does `faq/not_covered`, the honest "our information covers
facial mesotherapy only" that issue 17 made the answer for other treatments such as tattoo removal, which this file
labelled out_of_scope before that topic existed). Every message in the file asks one thing, so at most
1% may be answered as several questions (issue 18).
"""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.harness.inprocess import rasa_test_nlu
from tests.harness.paths import ROOT, load_yaml

HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
OUT = ROOT / "results" / "heldout"
MIN_INTENT_ACCURACY = 0.90
MIN_TOPIC_F1 = 0.75
MIN_OOS_RECALL = 0.85
MOST_WRONGLY_SPLIT = 0.01  # issue 18: a single question answered as several (components/message_parts.py)


def fallback_threshold() -> float:
    for component in load_yaml(ROOT / "config.yml")["pipeline"]:
        if component["name"] == "FallbackClassifier":
            return float(component.get("threshold", 0.3))
    return 0.0


@pytest.fixture(scope="module")
def reports(agent):
    # `rasa test nlu --nlu HELDOUT --out OUT --successes --no-plot` on the session's loaded model
    done = rasa_test_nlu(agent, HELDOUT, OUT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    def read(name):
        return json.loads((OUT / name).read_text()) if (OUT / name).exists() else []

    return {
        "intents": read("intent_report.json"),
        "responses": read("response_selection_report.json"),
        "predictions": with_topics(read("intent_successes.json") + read("intent_errors.json"), agent),
    }


def with_topics(predictions, agent):
    """`rasa test nlu` keeps no FAQ topic for a message labelled out_of_scope: parse those answered as faq."""
    loop = asyncio.new_event_loop()
    for p in predictions:
        if p["intent"] == "out_of_scope" and p["intent_prediction"]["name"] == "faq":
            parsed = loop.run_until_complete(agent.parse_message(p["text"]))
            p["topic"] = parsed["response_selector"]["faq"]["response"]["intent_response_key"]
    loop.close()
    return predictions


def refused(prediction, threshold: float) -> bool:
    """Nothing was answered: out of scope, another language's notice, not covered, or a fallback."""
    return (
        prediction["intent_prediction"]["name"] in ("out_of_scope", "other_language")
        or prediction.get("topic") == "faq/not_covered"
        or prediction["intent_prediction"]["confidence"] < threshold
    )


def answered_out_of_scope(predictions) -> list:
    threshold = fallback_threshold()
    return [p["text"] for p in predictions if p["intent"] == "out_of_scope" and not refused(p, threshold)]


def oos_recall(predictions) -> float:
    oos = [p for p in predictions if p["intent"] == "out_of_scope"]
    return 1 - len(answered_out_of_scope(predictions)) / len(oos)


@pytest.mark.slow
def test_heldout_scores_meet_thresholds(reports):
    accuracy = reports["intents"]["accuracy"]
    topics = {k: v["f1-score"] for k, v in reports["responses"].items() if k.startswith("faq/")}
    weakest = sorted(topics.items(), key=lambda kv: (round(kv[1], 3), kv[0]))[:5]
    recall = oos_recall(reports["predictions"])
    predictions = reports["predictions"]
    split = [p["text"] for p in predictions if p["intent_prediction"]["name"] == "several_questions"]
    summary = {
        "wrongly_split": round(len(split) / len(predictions), 4),
        "wrongly_split_messages": split,
        "intent_accuracy": round(accuracy, 4),
        "faq_topic_accuracy": round(reports["responses"]["accuracy"], 4),
        "weakest_topics_f1": {k: round(v, 3) for k, v in weakest},
        "out_of_scope_recall": round(recall, 4),
        "out_of_scope_answered": answered_out_of_scope(predictions),
    }
    (OUT / "summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    assert len(topics) == 29, "every FAQ topic must be in the held-out set"
    assert accuracy >= MIN_INTENT_ACCURACY, summary
    assert all(f1 >= MIN_TOPIC_F1 for f1 in topics.values()), summary
    assert recall >= MIN_OOS_RECALL, summary
    assert len(split) / len(predictions) <= MOST_WRONGLY_SPLIT, summary
