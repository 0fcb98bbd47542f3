"""Score a trained model on a labelled NLU file the way a patient experiences it.

The label a patient gets is the full one: `faq/<topic>` (intent `faq` + the selected
topic) or the plain intent, and `nlu_fallback` when the FallbackClassifier is not confident enough.
Out-of-scope messages count as handled when they end in `out_of_scope`, `nlu_fallback` or
`other_language`.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path
from typing import Any

from tests.harness.nlu import FALLBACK, full_label

OOS = "out_of_scope"
OTHER_LANGUAGE = "other_language"  # the notice in the patient's language: nothing is answered either


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def score(gold: list[str], predicted: list[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 (over gold labels), FAQ accuracy, out-of-scope recall, false fallbacks."""
    from sklearn.metrics import f1_score

    # A refused out-of-scope message is a correct answer, whichever way it was refused.
    adjusted = [OOS if g == OOS and p in (FALLBACK, OTHER_LANGUAGE) else p for g, p in zip(gold, predicted)]
    pairs = list(zip(gold, adjusted))
    faq = [(g, p) for g, p in pairs if g.startswith("faq/")]
    oos = [(g, p) for g, p in pairs if g == OOS]
    in_scope = [(g, p) for g, p in pairs if g != OOS]
    labels = sorted(set(gold))
    per_label = f1_score(gold, adjusted, labels=labels, average=None, zero_division=0)
    return {
        "accuracy": sum(g == p for g, p in pairs) / len(pairs),
        "macro_f1": float(per_label.mean()),
        "faq_accuracy": sum(g == p for g, p in faq) / max(1, len(faq)),
        "out_of_scope_recall": sum(p == OOS for _, p in oos) / max(1, len(oos)),
        "false_fallback_rate": sum(p == FALLBACK for _, p in in_scope) / max(1, len(in_scope)),
        "per_label_f1": {label: round(float(f), 4) for label, f in zip(labels, per_label)},
    }


def evaluate_model(model: Path, examples: list[tuple[str, str]]) -> dict:
    """Parse every example with the model loaded in-process; scores plus per-message latency."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()
    loop.run_until_complete(agent.parse_message("warm up"))
    predicted, latencies, rankings = [], [], []
    for text, _ in examples:
        start = time.perf_counter()
        parse = loop.run_until_complete(agent.parse_message(text))
        latencies.append((time.perf_counter() - start) * 1000)
        predicted.append(full_label(parse))
        rankings.append(before_fallback(parse))
    loop.close()
    result = score([label for _, label in examples], predicted)
    result["parse_ms_p50"] = round(statistics.median(latencies), 2)
    result["parse_ms_p95"] = round(percentile(latencies, 0.95), 2)
    result["errors"] = [{"text": t, "gold": g, "predicted": p} for (t, g), p in zip(examples, predicted) if g != p]
    result["predictions"] = [
        {"text": t, "gold": g, "predicted": p, **r} for (t, g), p, r in zip(examples, predicted, rankings)
    ]
    return result


def before_fallback(parse: dict) -> dict:
    """What FallbackClassifier looked at: the best real label, its confidence and the runner-up's.

    With these a fallback curve (benchmarks/fallback_curve.py) can replay any threshold pair
    without parsing again.
    """
    ranking = list(parse.get("intent_ranking") or [])
    check = parse.get("unfamiliar_check") or {}
    if check.get("changed_to") == OOS and ranking and ranking[0].get("name") == OOS:
        ranking = ranking[1:]  # the unfamiliar-message check put it there, above the classifier's ranking
    ranking = [i for i in ranking if i.get("name") != FALLBACK]
    similarity = {"in_scope_similarity": check.get("in_scope"), "out_of_scope_similarity": check.get("out_of_scope")}
    if not ranking:
        return {"raw": FALLBACK, "confidence": 0.0, "runner_up": 0.0, **similarity}
    raw = full_label({**parse, "intent": ranking[0]})
    runner_up = float(ranking[1]["confidence"]) if len(ranking) > 1 else 0.0
    return {
        "raw": raw,
        "confidence": round(float(ranking[0]["confidence"]), 4),
        "runner_up": round(runner_up, 4),
        **similarity,
    }


def replay_fallback(
    predictions: list[dict],
    threshold: float,
    ambiguity: float,
    unfamiliar_below: float = 0.0,
    out_of_scope_margin: float | None = None,
    checked: list[str] | None = None,
) -> list[str]:
    """The labels the model would give with other FallbackClassifier and unfamiliar-check settings.

    The order is the pipeline's: FallbackClassifier, then the unfamiliar-message check
    (components/unfamiliar_messages.py) on what is left, then the warning-sign check, which always
    wins, so its answers are kept.
    """
    from components.unfamiliar_messages import CHECKED_INTENTS, decide

    labels = []
    for p in predictions:
        safety = p["predicted"] == "report_adverse_reaction" and p["confidence"] >= 0.9999
        unsure = p["confidence"] < threshold or p["confidence"] - p["runner_up"] < ambiguity
        label = p["raw"] if safety or not unsure else FALLBACK
        if not safety and label != FALLBACK and p.get("in_scope_similarity") is not None:
            label = (
                decide(
                    label.split("/")[0],
                    p["in_scope_similarity"],
                    p["out_of_scope_similarity"],
                    unfamiliar_below,
                    out_of_scope_margin,
                    checked or CHECKED_INTENTS,
                )
                or label
            )
        labels.append(label)
    return labels
