"""Parse latency of one pipeline step, side by side: the same model with the step and with it switched off."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path
from typing import Any

from benchmarks.nlu_eval import percentile
from tests.harness.paths import MODEL


def parse_args(description: str, results: Path | None = None, written: str = "") -> argparse.Namespace:
    """What the side-by-side benchmarks take: --model, --latency-rounds and (`results`) --results."""
    ap = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(MODEL))
    ap.add_argument("--latency-rounds", type=int, default=3)
    if results is not None:
        ap.add_argument("--results", default=str(results), help=f"where {written} go")
    return ap.parse_args()


def latency_with_and_without(agent: Any, component: Any, texts: list[str], rounds: int) -> dict[str, Any]:
    """p50 parse time with `component` and with its `process` replaced by a pass-through, in alternating
    rounds on the same texts (one warm-up round discarded); the ratio of the p50s is its cost."""
    original = component.process
    times: dict[str, list[float]] = {"with check": [], "check off": []}

    async def timed(label: str) -> None:
        for text in texts:
            start = time.perf_counter()
            await agent.parse_message(text)
            times[label].append((time.perf_counter() - start) * 1000)

    loop = asyncio.new_event_loop()
    loop.run_until_complete(timed("with check"))  # warm-up, discarded
    times["with check"].clear()
    try:
        for _ in range(rounds):
            component.process = original
            loop.run_until_complete(timed("with check"))
            component.process = lambda self, messages, **kwargs: messages  # (some also take the tracker)
            loop.run_until_complete(timed("check off"))
    finally:
        component.process = original
        loop.close()
    p50 = {label: round(statistics.median(values), 2) for label, values in times.items()}
    p95 = {label: round(percentile(values, 0.95), 2) for label, values in times.items()}
    return {
        "p50_ms": p50,
        "p95_ms": p95,
        "ratio": round(p50["with check"] / p50["check off"], 3),
        "messages": len(texts),
        "rounds": rounds,
    }
