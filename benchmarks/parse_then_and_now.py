"""Parse p50 and p95 of an earlier model and today's, side by side in one run (issues 16 and 17's latency bars).

    git worktree add /tmp/then a5d4ae1 && ln -s "$PWD/lang" /tmp/then/lang
    (cd /tmp/then && ../main/.venv/bin/rasa train --fixed-model-name then --out /tmp/then/models)
    .venv/bin/python benchmarks/parse_then_and_now.py --then-root /tmp/then --then-model /tmp/then/models/then.tar.gz

The earlier model needs its own custom components, which share the package name `components` with
today's, so each round parses in its own process: the earlier model and today's alternate, `--rounds`
times each, over the held-out file's messages (tests/nlu/heldout.yml), after a warm-up of 30 messages
that is not timed. a5d4ae1 is main when issues 16 and 17 were filed (2026-11-30).

Writes benchmarks/results/parse_then_and_now.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.nlu_eval import percentile  # noqa: E402
from tests.harness.nlu import load_examples  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
HELD_OUT = "held-out file"
WARNING_SIGNS = "warning-sign messages"


def parse_times(root: str, model: str, sets: dict[str, list[str]]) -> dict[str, list[float]]:
    """In this process: load `model` with `root`'s components and time each message's parse (ms), per set."""
    import asyncio
    import time

    sys.path.insert(0, root)
    os.chdir(root)
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    loop = asyncio.new_event_loop()
    times: dict[str, list[float]] = {}
    for name, texts in sets.items():
        for text in texts[:30]:
            loop.run_until_complete(agent.parse_message(text))
        times[name] = []
        for text in texts:
            start = time.perf_counter()
            loop.run_until_complete(agent.parse_message(text))
            times[name].append((time.perf_counter() - start) * 1000)
    return times


def figures(times: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "parses": len(times),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--then-root", help="a work tree of the earlier commit (its components/)")
    ap.add_argument("--then-model")
    ap.add_argument("--then-name", default="2026-11-30 (a5d4ae1)")
    ap.add_argument("--model", default=str(ROOT / "models" / "clinic.tar.gz"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)  # root, model; the texts come on stdin
    args = ap.parse_args()
    if args.worker:
        root, model = args.worker
        print(json.dumps(parse_times(root, model, json.loads(sys.stdin.read()))))
        return
    if not (args.then_root and args.then_model):
        ap.error("--then-root and --then-model are required")
    # Read here, with today's loaders: the earlier tree's tests/ may not have them. Imported here, not at the
    # top: benchmarks.safety imports today's components, which the earlier model's worker must not see.
    from benchmarks.safety import load_half

    sets = {
        HELD_OUT: [text for text, _ in load_examples(HELDOUT)],
        WARNING_SIGNS: [item["text"] for item in load_half("dev")],
    }
    texts = json.dumps(sets)
    systems = {args.then_name: (args.then_root, args.then_model), "now": (str(ROOT), args.model)}
    times: dict[str, dict[str, list[float]]] = {name: {s: [] for s in sets} for name in systems}
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    for _ in range(args.rounds):
        for name, (root, model) in systems.items():
            done = subprocess.run(
                [sys.executable, __file__, "--worker", root, model],
                input=texts,
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
            for s, values in json.loads(done.stdout.strip().splitlines()[-1]).items():
                times[name][s] += values
    out = {s: {name: figures(times[name][s]) for name in systems} for s in sets}
    ratios = {s: round(out[s]["now"]["p50_ms"] / out[s][args.then_name]["p50_ms"], 3) for s in sets}
    result = {
        "systems": out[HELD_OUT],  # the bar, under the keys it had before the second set
        "p50_ratio_now_to_then": ratios[HELD_OUT],
        "rounds": args.rounds,
        "sets": out,
        "p50_ratio_per_set": ratios,
    }
    md = [
        "# Parse latency, then and now",
        "",
        "Written by `benchmarks/parse_then_and_now.py` (method in its docstring).",
        "",
        "| messages | model | p50 (ms) | p95 (ms) | parses |",
        "|---|---|---|---|---|",
        *[
            f"| {s} | {name} | {f['p50_ms']} | {f['p95_ms']} | {f['parses']} |"
            for s in sets
            for name, f in out[s].items()
        ],
        "",
        *[f"p50 now / then, {s}: x{ratios[s]}" for s in sets],
        "",
        f"{args.rounds} alternating rounds.",
    ]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "parse_then_and_now.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "parse_then_and_now.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
