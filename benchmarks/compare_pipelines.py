"""Compare NLU pipelines side by side on the held-out file: accuracy, macro-F1, speed.

Each config in benchmarks/configs/ is trained (NLU only) on data/ in this run, with fixed seeds,
then scored on tests/nlu/heldout.yml by benchmarks/nlu_eval.py. Figures go to
benchmarks/results/pipelines.json and pipelines.md (the README shows the table).

    .venv/bin/python benchmarks/compare_pipelines.py [--configs a.yml b.yml] [--heldout file]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.nlu_eval import evaluate_model, load_examples  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def train(config: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([str(ROOT / ".venv" / "bin" / "rasa"), "train", "nlu", "-c", str(config),
                    "--nlu", "data", "--out", str(out), "--fixed-model-name", config.stem],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"})
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--configs", nargs="*", type=Path,
                    default=sorted((ROOT / "benchmarks" / "configs").glob("*.yml")))
    ap.add_argument("--heldout", type=Path, default=ROOT / "tests" / "nlu" / "heldout.yml")
    args = ap.parse_args()
    examples = load_examples(args.heldout)
    tmp = RESULTS / "tmp"
    rows = {}
    for config in args.configs:
        seconds = train(config, tmp)
        model = tmp / f"{config.stem}.tar.gz"
        result = evaluate_model(model, examples)
        result.update(train_seconds=round(seconds, 1),
                      model_mb=round(model.stat().st_size / 2**20, 1))
        rows[config.stem] = result
        print(f"{config.stem}: acc {result['accuracy']:.3f} macroF1 {result['macro_f1']:.3f} "
              f"oos {result['out_of_scope_recall']:.3f} fallback {result['false_fallback_rate']:.3f} "
              f"train {seconds:.0f}s parse p50 {result['parse_ms_p50']} ms", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pipelines.json").write_text(json.dumps(
        {"heldout": str(args.heldout.relative_to(ROOT)), "examples": len(examples),
         "results": rows}, indent=2))
    lines = ["| pipeline | accuracy | macro-F1 | FAQ accuracy | out-of-scope recall | false fallback "
             "| training (s) | parse p50 / p95 (ms) |", "|---|---|---|---|---|---|---|---|"]
    for name, r in rows.items():
        lines.append(f"| {name} | {r['accuracy']:.3f} | {r['macro_f1']:.3f} | {r['faq_accuracy']:.3f} "
                     f"| {r['out_of_scope_recall']:.3f} | {r['false_fallback_rate']:.3f} "
                     f"| {r['train_seconds']:.0f} | {r['parse_ms_p50']:.0f} / {r['parse_ms_p95']:.0f} |")
    (RESULTS / "pipelines.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
