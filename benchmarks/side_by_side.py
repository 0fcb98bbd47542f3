"""Parse latency of one pipeline step, side by side: the same model with the step and with it switched off."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import time
from collections.abc import Iterator
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


@contextlib.contextmanager
def switched_off(agent: Any, component: type) -> Iterator[int]:
    """Inside: `component`'s `process` is a pass-through in the loaded model; yields how many graph nodes
    were switched off.

    Written for Rasa Open Source 3.6: each GraphNode takes its function from the component's class once,
    when the model is loaded (rasa/engine/graph.py: `self._fn = getattr(self._component_class, fn_name)`),
    so replacing the class attribute afterwards changes nothing (until 2026-12-05 evening this benchmark
    did that, and compared the pipeline with itself). The nodes of the agent's graph runner are swapped
    instead (rasa/engine/runner/dask.py: `_instantiated_nodes`)."""
    nodes = [
        node
        for node in agent.processor.graph_runner._instantiated_nodes.values()
        if isinstance(node._component_class, type)
        and issubclass(node._component_class, component)
        and node._fn_name == "process"
    ]
    originals = [node._fn for node in nodes]
    for node in nodes:
        node._fn = lambda self, messages, **kwargs: messages  # (some also take the tracker)
    try:
        yield len(nodes)
    finally:
        for node, original in zip(nodes, originals):
            node._fn = original


def latency_with_and_without(agent: Any, component: type, texts: list[str], rounds: int) -> dict[str, Any]:
    """p50 parse time with `component` and with its `process` switched off, in alternating rounds on the
    same texts (one warm-up round discarded); the ratio of the p50s is its cost."""
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
            loop.run_until_complete(timed("with check"))
            with switched_off(agent, component) as switched:
                if not switched:
                    raise ValueError(f"{component.__name__} is not in the loaded model's graph")
                loop.run_until_complete(timed("check off"))
    finally:
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
