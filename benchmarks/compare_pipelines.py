"""Side by side, in one run, on the same training data: the project's pipeline and the alternatives.

Systems (all trained here on data/nlu, scored on the same labelled file, default the held-out file):
  project        config.yml (the full label: intent + ResponseSelector's faq/<topic>)
  rasa_default   the pipeline `rasa init` writes (benchmarks/configs/rasa_default.yml, fixed seeds)
  tfidf          nearest training question by TF-IDF, "no answer" threshold tuned on training data
  minilm         nearest training question by all-MiniLM-L6-v2 embeddings, threshold tuned the same way
  + any extra Rasa configs given with --configs (earlier candidates: benchmarks/configs/*.yml)
Each system is trained and scored in processes of its own, so peak RSS is its own. Figures go to
benchmarks/results/pipelines.json and pipelines.md (the README shows the table).

    .venv/bin/python benchmarks/compare_pipelines.py [--eval FILE] [--configs extra.yml ...] [--skip NAME ...]
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.rasa_runs import ENV, PY, train_nlu  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def train(config: Path, name: str, out: Path) -> float:
    """Cold training time: an empty Rasa training cache, so nothing is reused from earlier runs."""
    cache = tempfile.mkdtemp(prefix="rasa-cache-")
    seconds = train_nlu(config, "data/nlu", out, name, env={**ENV, "RASA_CACHE_DIRECTORY": cache})
    shutil.rmtree(cache, ignore_errors=True)
    return seconds


def last_json(output: str, prefix: str = "") -> dict:
    for line in reversed(output.splitlines()):
        if line.startswith(prefix + "{"):
            return json.loads(line[len(prefix) :])
    raise RuntimeError(output[-2000:])


def rasa_system(config: Path, name: str, evaluation: Path) -> dict:
    tmp = RESULTS / "tmp"
    seconds = train(config, name, tmp)
    model = tmp / f"{name}.tar.gz"
    done = subprocess.run(
        [PY, "benchmarks/eval_model.py", str(model), "--eval", str(evaluation)],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    result = last_json(done.stdout, "RESULT ")
    result.update(train_seconds=round(seconds, 1), model_mb=round(model.stat().st_size / 2**20, 1))
    return result


def baseline(kind: str, evaluation: Path) -> dict:
    done = subprocess.run(
        [PY, "benchmarks/baselines.py", kind, "--eval", str(evaluation)],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    return last_json(done.stdout)


def table(rows: dict[str, dict]) -> list[str]:
    lines = [
        "| system | accuracy | macro-F1 | FAQ accuracy | out-of-scope recall | false fallback "
        "| training (s) | latency p50 / p95 (ms) | peak RSS (MB) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in rows.items():
        lines.append(
            f"| {name} | {r['accuracy']:.3f} | {r['macro_f1']:.3f} | {r['faq_accuracy']:.3f} "
            f"| {r['out_of_scope_recall']:.3f} | {r['false_fallback_rate']:.3f} "
            f"| {r['train_seconds']:.0f} | {r['parse_ms_p50']:.1f} / {r['parse_ms_p95']:.1f} "
            f"| {r.get('peak_rss_mb', 0):.0f} |"
        )
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--eval", type=Path, default=ROOT / "tests" / "nlu" / "heldout.yml")
    ap.add_argument("--configs", nargs="*", type=Path, default=[])
    ap.add_argument("--skip", nargs="*", default=[])
    ap.add_argument("--out", default="pipelines", help="results file stem in benchmarks/results/")
    args = ap.parse_args()
    systems: dict[str, Callable[[], dict]] = {
        "project": lambda: rasa_system(ROOT / "config.yml", "project", args.eval),
        "rasa_default": lambda: rasa_system(
            ROOT / "benchmarks" / "configs" / "rasa_default.yml", "rasa_default", args.eval
        ),
        "tfidf": lambda: baseline("tfidf", args.eval),
        "minilm": lambda: baseline("minilm", args.eval),
    }
    for config in args.configs:
        systems[config.stem] = functools.partial(rasa_system, config, config.stem, args.eval)
    rows: dict[str, dict] = {}
    for name, run in systems.items():
        if name in args.skip:
            continue
        rows[name] = run()
        r = rows[name]
        print(
            f"{name}: acc {r['accuracy']:.3f} macroF1 {r['macro_f1']:.3f} oos {r['out_of_scope_recall']:.3f} "
            f"fallback {r['false_fallback_rate']:.3f} train {r['train_seconds']:.0f}s "
            f"p50 {r['parse_ms_p50']} ms rss {r.get('peak_rss_mb')} MB",
            flush=True,
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    slim = {k: {f: v for f, v in r.items() if f not in ("predictions",)} for k, r in rows.items()}
    (RESULTS / f"{args.out}.json").write_text(
        json.dumps(
            {"eval": str(args.eval.resolve().relative_to(ROOT)), "date": time.strftime("%Y-%m-%d"), "results": slim},
            indent=2,
        )
    )
    lines = table(rows)
    (RESULTS / f"{args.out}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
