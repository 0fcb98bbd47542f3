"""5-fold cross-validation of the project's pipeline, scored the way a patient experiences it.

Why not `rasa test nlu --cross-validation`: it scores the intent and the FAQ topic separately, so
a message that reached the right topic through the wrong intent, or the reverse, is hard to read,
and it keeps no confidences. Here each fold is trained exactly as the assistant is (`rasa train nlu`
with the domain, config.yml, in its own process), the held-back fifth is parsed, and every message
keeps its full label (`faq/<topic>` or the intent) plus the confidences the FallbackClassifier
looked at. From those out-of-fold predictions come:
  - the cross-validation figures (benchmarks/nlu_eval.py's score, overall and per fold);
  - the fallback curve (benchmarks/fallback_curve.py) that config.yml's thresholds are chosen from,
    on training data only, never on the held-out file.
Folds are stratified by full label with a fixed seed. Results: benchmarks/results/cross_validation.json
(and the out-of-fold predictions in benchmarks/results/tmp/cv/predictions.json).

    .venv/bin/python benchmarks/cross_validation.py [--folds 5] [--only K]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.nlu_eval import score  # noqa: E402
from benchmarks.rasa_runs import ENV, PY, train_nlu  # noqa: E402

OUT = ROOT / "benchmarks" / "results" / "tmp" / "cv"
RESULTS = ROOT / "benchmarks" / "results"
CATALOGUE = ROOT / "data" / "content" / "warning_signs.yml"


def write_folds(folds: int) -> list[Path]:
    """Split data/nlu into stratified folds; each fold dir gets train.yml and test.yml."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from sklearn.model_selection import StratifiedKFold

    data = load_data(str(ROOT / "data" / "nlu"))
    examples = data.intent_examples
    labels = [m.get("intent_response_key") or m.get("intent") for m in examples]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=42)
    dirs = []
    for k, (train_idx, test_idx) in enumerate(splitter.split(examples, labels), start=1):
        fold = OUT / f"fold{k}"
        fold.mkdir(parents=True, exist_ok=True)
        keep = dict(
            entity_synonyms=data.entity_synonyms, regex_features=data.regex_features, lookup_tables=data.lookup_tables
        )
        train = TrainingData([examples[i] for i in train_idx], **keep)
        test = TrainingData([examples[i] for i in test_idx])
        (fold / "train").mkdir(exist_ok=True)
        (fold / "train" / "train.yml").write_text(RasaYAMLWriter().dumps(train))
        # The warning-sign catalogue is training data of every fold, never scored (as in `rasa train`).
        shutil.copy(CATALOGUE, fold / "train" / CATALOGUE.name)
        (fold / "test.yml").write_text(RasaYAMLWriter().dumps(test))
        dirs.append(fold)
    return dirs


def run_fold(fold: Path, config: Path) -> dict:
    seconds = train_nlu(config, str(fold / "train"), fold, "model")
    done = subprocess.run(
        [PY, "benchmarks/eval_model.py", str(fold / "model.tar.gz"), "--eval", str(fold / "test.yml")],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    line = next(line for line in reversed(done.stdout.splitlines()) if line.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    result["train_seconds"] = round(seconds, 1)
    (fold / f"result-{config.stem}.json").write_text(json.dumps(result))
    (fold / "model.tar.gz").unlink()
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--config", type=Path, default=ROOT / "config.yml")
    ap.add_argument("--only", type=int, help="run one fold (1-based), for a quick check")
    args = ap.parse_args()
    start = time.perf_counter()
    folds = write_folds(args.folds)
    chosen = [folds[args.only - 1]] if args.only else folds
    per_fold, predictions = [], []
    for fold in chosen:
        result = run_fold(fold, args.config)
        predictions += result["predictions"]
        # No training times here: Rasa's training cache reuses work between folds and runs, so they
        # would mislead (benchmarks/compare_pipelines.py times a cold training).
        per_fold.append(
            {
                k: result[k]
                for k in ("accuracy", "macro_f1", "faq_accuracy", "out_of_scope_recall", "false_fallback_rate")
            }
        )
        print(fold.name, json.dumps(per_fold[-1]), flush=True)
    overall = score([p["gold"] for p in predictions], [p["predicted"] for p in predictions])
    figures = {
        "folds": args.folds,
        "folds_run": len(chosen),
        "config": str(args.config.resolve().relative_to(ROOT)),
        "examples": len(predictions),
        "minutes": round((time.perf_counter() - start) / 60, 1),
        **{k: round(v, 4) for k, v in overall.items() if k != "per_label_f1"},
        "accuracy_fold_spread": [
            round(min(f["accuracy"] for f in per_fold), 4),
            round(max(f["accuracy"] for f in per_fold), 4),
        ],
        "weakest_labels": sorted(overall["per_label_f1"].items(), key=lambda kv: (kv[1], kv[0]))[:8],
        "per_fold": per_fold,
    }
    (OUT / "predictions.json").write_text(json.dumps(predictions))
    if not args.only:
        (RESULTS / "cross_validation.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps({k: v for k, v in figures.items() if k != "per_fold"}, indent=2))


if __name__ == "__main__":
    main()
