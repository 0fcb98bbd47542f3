"""5-fold cross-validation of the project's pipeline (config.yml) on the training data.

Runs `rasa test nlu --cross-validation --folds 5` and keeps the figures a reader needs: intent and
FAQ-topic accuracy and macro-F1 over the folds. Results: benchmarks/results/cross_validation.json.
Takes five trainings (about 20 minutes on 2 cores).
"""
from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "results" / "tmp" / "cv"
RESULTS = ROOT / "benchmarks" / "results"


def main() -> None:
    start = time.perf_counter()
    subprocess.run([str(ROOT / ".venv" / "bin" / "rasa"), "test", "nlu", "--nlu", "data/nlu", "-c", "config.yml",
                    "--cross-validation", "--folds", "5", "--out", str(OUT), "--no-plot"],
                   cwd=ROOT, check=True, env={**os.environ, "RASA_TELEMETRY_ENABLED": "false",
                                              "PYTHONPATH": str(ROOT)},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    intent = json.loads((OUT / "intent_report.json").read_text())
    figures = {"folds": 5, "minutes": round((time.perf_counter() - start) / 60, 1),
               "intent_accuracy": round(intent["accuracy"], 4),
               "intent_macro_f1": round(intent["macro avg"]["f1-score"], 4)}
    responses = OUT / "response_selection_report.json"
    if responses.exists():
        report = json.loads(responses.read_text())
        figures.update(faq_topic_accuracy=round(report["accuracy"], 4),
                       faq_topic_macro_f1=round(report["macro avg"]["f1-score"], 4))
    (RESULTS / "cross_validation.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
