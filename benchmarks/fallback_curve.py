"""The fallback curve: how often "Did you mean…" catches an out-of-scope message, and at what cost.

Replays FallbackClassifier's two settings (threshold on the best confidence, ambiguity threshold on
the gap to the runner-up) and the unfamiliar-message check's two (components/unfamiliar_messages.py:
the least similarity to an in-scope example, the margin by which an out-of-scope example must be
closer) over the out-of-fold predictions of benchmarks/cross_validation.py, i.e. on training data
only. For each pair: out-of-scope recall, false-fallback rate (in-scope messages
that got no answer) and accuracy (right answer, or a refusal for out-of-scope). The chosen pair has
the lowest cost to patients among those whose false-fallback rate is at most --max-false-fallback:
a wrong answer costs 1, a needless fallback 0.5 (it still offers the likely topics as "Did you
mean…?" buttons, so the patient is one click from the answer). config.yml uses the chosen pair.
Results: benchmarks/results/fallback_curve.json (the points kept_points keeps) and .md.

    .venv/bin/python benchmarks/fallback_curve.py [--predictions FILE] [--max-false-fallback 0.05]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.nlu_eval import FALLBACK, OOS, replay_fallback, score  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
DEFAULT_PREDICTIONS = RESULTS / "tmp" / "cv" / "predictions.json"
THRESHOLDS = [round(0.05 * i, 2) for i in range(0, 17)]
AMBIGUITIES = [0.0, 0.02, 0.05, 0.1, 0.15, 0.2]
UNFAMILIAR = [0.0, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55]  # 0: the check never calls a message unfamiliar
MARGINS = [None, 0.0, 0.05, 0.1, 0.2]  # None: no out-of-scope verdict from the check


def curve(predictions: list[dict]) -> list[dict]:
    gold = [p["gold"] for p in predictions]
    has_similarity = all(p.get("in_scope_similarity") is not None for p in predictions)
    points = []
    for threshold in THRESHOLDS:
        for ambiguity in AMBIGUITIES:
            for unfamiliar in UNFAMILIAR if has_similarity else [0.0]:
                for margin in MARGINS if has_similarity else [None]:
                    labels = replay_fallback(predictions, threshold, ambiguity, unfamiliar, margin)
                    points.append(
                        {
                            "threshold": threshold,
                            "ambiguity": ambiguity,
                            "unfamiliar_below": unfamiliar,
                            "out_of_scope_margin": margin,
                            **figures(gold, labels),
                        }
                    )
    return points


def figures(gold: list[str], labels: list[str]) -> dict:
    s = score(gold, labels)
    wrong = sum(p != g and p != FALLBACK and not (g == OOS and p == OOS) for g, p in zip(gold, labels))
    needless = sum(g != OOS and p == FALLBACK for g, p in zip(gold, labels))
    return {
        **{k: round(s[k], 4) for k in ("accuracy", "macro_f1", "out_of_scope_recall", "false_fallback_rate")},
        "patient_cost": round((wrong + 0.5 * needless) / len(gold), 4),
    }


def choose(points: list[dict], max_false_fallback: float) -> dict:
    allowed = [p for p in points if p["false_fallback_rate"] <= max_false_fallback]
    # Ties go to the gentlest settings: fewer needless fallbacks, lower thresholds, the check's rules off.
    return min(
        allowed,
        key=lambda p: (
            p["patient_cost"],
            p["false_fallback_rate"],
            p["threshold"],
            p["unfamiliar_below"],
            -1 if p["out_of_scope_margin"] is None else -p["out_of_scope_margin"],
        ),
    )


def kept_points(points: list[dict], best: dict, max_false_fallback: float) -> list[dict]:
    """The points written to fallback_curve.json, in grid order: the fallback alone (the check off) over
    the whole grid, which is the curve; the check's settings around the chosen fallback pair (the .md's
    rows); and every point within twice the false-fallback cap that costs patients no more than the
    chosen one, which is where config.yml may sit (tests/test_bench_scoring.py). The rest of the grid
    costs more or falls back far too often."""

    def kept(p: dict) -> bool:
        alone = p["unfamiliar_below"] == 0.0 and p["out_of_scope_margin"] is None
        around = p["threshold"] == best["threshold"] and p["ambiguity"] == best["ambiguity"]
        candidate = p["false_fallback_rate"] <= 2 * max_false_fallback and p["patient_cost"] <= best["patient_cost"]
        return alone or around or candidate or p == best

    return [p for p in points if kept(p)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--predictions", type=Path, default=DEFAULT_PREDICTIONS)
    ap.add_argument("--max-false-fallback", type=float, default=0.05)
    args = ap.parse_args()
    points = curve(json.loads(args.predictions.read_text()))
    best = choose(points, args.max_false_fallback)
    # Compact: the full grid (thousands of points) stays in memory for the table below; the file keeps
    # the points anyone can use (kept_points), so it stays well under 200 KB.
    (RESULTS / "fallback_curve.json").write_text(
        json.dumps(
            {
                "source": str(args.predictions.name),
                "chosen": best,
                "points": kept_points(points, best, args.max_false_fallback),
            },
            separators=(",", ":"),
        )
    )
    lines = [
        "| threshold | ambiguity | unfamiliar below | out-of-scope margin | accuracy | out-of-scope recall "
        "| false fallback | patient cost |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for p in points:
        # The fallback alone (check off), then the check's settings around the chosen fallback pair.
        alone = (
            p["unfamiliar_below"] == 0.0
            and p["out_of_scope_margin"] is None
            and p["ambiguity"] in (0.0, 0.05)
            and p["threshold"] <= 0.6
        )
        around = p["threshold"] == best["threshold"] and p["ambiguity"] == best["ambiguity"]
        if alone or around or p is best:
            mark = " **chosen**" if p is best else ""
            margin = "off" if p["out_of_scope_margin"] is None else f"{p['out_of_scope_margin']:.2f}"
            lines.append(
                f"| {p['threshold']:.2f} | {p['ambiguity']:.2f} | {p['unfamiliar_below']:.2f} | {margin} "
                f"| {p['accuracy']:.3f} | {p['out_of_scope_recall']:.3f} | {p['false_fallback_rate']:.3f} "
                f"| {p['patient_cost']:.3f}{mark} |"
            )
    (RESULTS / "fallback_curve.md").write_text("\n".join(lines) + "\n")
    # The cross-validation figures as the assistant runs: same out-of-fold predictions, chosen settings.
    cv_file = RESULTS / "cross_validation.json"
    if cv_file.exists() and args.predictions == DEFAULT_PREDICTIONS:
        cv = json.loads(cv_file.read_text())
        cv["with_chosen_settings"] = best
        cv_file.write_text(json.dumps(cv, indent=2))
    print("\n".join(lines))
    print("chosen:", json.dumps(best))


if __name__ == "__main__":
    main()
