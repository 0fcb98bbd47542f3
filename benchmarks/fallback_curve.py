"""The fallback curve: how often "Did you mean…" catches an out-of-scope message, and at what cost.

Replays FallbackClassifier's two settings (threshold on the best confidence, ambiguity threshold on
the gap to the runner-up) over the out-of-fold predictions of benchmarks/cross_validation.py, i.e.
on training data only. For each pair: out-of-scope recall, false-fallback rate (in-scope messages
that got no answer) and accuracy (right answer, or a refusal for out-of-scope). The chosen pair is
the most accurate one whose false-fallback rate is at most --max-false-fallback; config.yml uses it.
Results: benchmarks/results/fallback_curve.json and .md.

    .venv/bin/python benchmarks/fallback_curve.py [--predictions FILE] [--max-false-fallback 0.05]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.nlu_eval import replay_fallback, score  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
THRESHOLDS = [round(0.05 * i, 2) for i in range(0, 17)]
AMBIGUITIES = [0.0, 0.02, 0.05, 0.1, 0.15, 0.2]


def curve(predictions: List[Dict]) -> List[Dict]:
    gold = [p["gold"] for p in predictions]
    points = []
    for threshold in THRESHOLDS:
        for ambiguity in AMBIGUITIES:
            s = score(gold, replay_fallback(predictions, threshold, ambiguity))
            points.append({"threshold": threshold, "ambiguity": ambiguity,
                           **{k: round(s[k], 4) for k in ("accuracy", "macro_f1", "out_of_scope_recall",
                                                          "false_fallback_rate")}})
    return points


def choose(points: List[Dict], max_false_fallback: float) -> Dict:
    allowed = [p for p in points if p["false_fallback_rate"] <= max_false_fallback]
    return max(allowed, key=lambda p: (p["accuracy"], -p["false_fallback_rate"], -p["threshold"]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--predictions", type=Path, default=RESULTS / "tmp" / "cv" / "predictions.json")
    ap.add_argument("--max-false-fallback", type=float, default=0.05)
    args = ap.parse_args()
    points = curve(json.loads(args.predictions.read_text()))
    best = choose(points, args.max_false_fallback)
    (RESULTS / "fallback_curve.json").write_text(json.dumps({"source": str(args.predictions.name),
                                                             "chosen": best, "points": points}, indent=2))
    lines = ["| threshold | ambiguity | accuracy | out-of-scope recall | false fallback |", "|---|---|---|---|---|"]
    for p in points:
        if (p["ambiguity"] in (0.0, 0.05, 0.1) and p["threshold"] <= 0.6) or p is best:
            mark = " **chosen**" if p is best else ""
            lines.append(f"| {p['threshold']:.2f} | {p['ambiguity']:.2f} | {p['accuracy']:.3f} "
                         f"| {p['out_of_scope_recall']:.3f} | {p['false_fallback_rate']:.3f}{mark} |")
    (RESULTS / "fallback_curve.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print("chosen:", json.dumps(best))


if __name__ == "__main__":
    main()
