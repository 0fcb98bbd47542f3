"""Serving load: 1, 10 and 50 simulated patients at once, each holding a whole conversation.

Starts the real action and Rasa servers on loopback (tests/harness/servers.py), then for each level runs that
many concurrent patients over the REST channel with a small asyncio client (aiohttp, shipped with
Rasa). A conversation: greeting, three FAQ questions, a complete booking request, an unclear message,
thanks. Per level: p50/p95/p99 latency, messages per second, errors, and each process's RSS. In the
same run, a bare NLU parse (`/model/parse`) is timed, so the cost of dialogue and actions over NLU shows
as a ratio. Every request has a timeout and every level a fixed amount of work: the run stops by itself.

Patients think between messages (THINK seconds, uniform, seeded), as locust users do: a person reads
the reply and types the next message. Without think time "10 patients" would be 10 scripts firing
back-to-back, a stress test rather than 10 people chatting, so that is measured separately
(`stress`: 10 patients with no pause) and gives the server's saturation throughput.

    .venv/bin/python benchmarks/load.py [--levels 1 10 50]      (make bench-load)
    .venv/bin/python benchmarks/load.py --compare-nlu-thread 3  (NLU in the event loop vs a thread)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.nlu_eval import percentile  # noqa: E402
from tests.harness.conversations import QUESTIONS_THEN_BOOKING, UNCLEAR_THEN_THANKS  # noqa: E402
from tests.harness.paths import MODEL  # noqa: E402
from tests.harness.servers import TUESDAY_TEN, running_servers  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
CONVERSATION = [*QUESTIONS_THEN_BOOKING, *UNCLEAR_THEN_THANKS]
TIMEOUT = aiohttp.ClientTimeout(total=60)
THINK = (1.0, 3.0)


def latency_cells(r: dict) -> str:
    """A pass's messages | errors | p50 / p95 / p99 (ms) | messages/s, as the results tables show it."""
    return f"{r['messages']} | {r['errors']} | {r['p50_ms']} / {r['p95_ms']} / {r['p99_ms']} | {r['messages_per_s']}"


def write_results(name: str, data: dict, lines: list[str]) -> None:
    """benchmarks/results/<name>.json, and <name>.md with `lines` (printed too)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2))
    (RESULTS / f"{name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def rss_mb(pid: int) -> dict[str, float]:
    fields = dict(
        line.split(":", 1)
        for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        if line.startswith(("VmRSS", "VmHWM"))
    )
    return {k: round(int(v.split()[0]) / 1024, 1) for k, v in fields.items()}


async def patient(
    session: aiohttp.ClientSession,
    url: str,
    sender: str,
    latencies: list[float],
    errors: list[str],
    think: bool,
    rng: random.Random,
) -> None:
    for text in CONVERSATION:
        if think:
            await asyncio.sleep(rng.uniform(*THINK))
        start = time.perf_counter()
        try:
            async with session.post(url, json={"sender": sender, "message": text}) as reply:
                body = await reply.json()
                if reply.status != 200 or not isinstance(body, list) or not body:
                    errors.append(f"{reply.status} for {text!r}")
        except Exception as exc:  # a timeout or a dropped connection is an error, not a crash
            errors.append(type(exc).__name__)
        latencies.append((time.perf_counter() - start) * 1000)


async def level(url: str, users: int, run: int, think: bool = True) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    rng = random.Random(run * 1000 + users)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=TIMEOUT, connector=connector) as session:
        start = time.perf_counter()
        await asyncio.gather(
            *(patient(session, url, f"load-{run}-{users}-{i}", latencies, errors, think, rng) for i in range(users))
        )
        wall = time.perf_counter() - start
    return {
        "users": users,
        "think_s": list(THINK) if think else [0, 0],
        "messages": len(latencies),
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "messages_per_s": round(len(latencies) / wall, 1),
        "wall_s": round(wall, 1),
    }


async def bare_parse(url: str, count: int = 100) -> dict[str, float]:
    latencies = []
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        for i in range(count):
            start = time.perf_counter()
            async with session.post(url, json={"text": CONVERSATION[1 + i % 3]}) as reply:
                reply.raise_for_status()  # a refused call must not pass for a fast one
                await reply.read()
            latencies.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": round(statistics.median(latencies), 1), "p95_ms": round(percentile(latencies, 0.95), 1)}


def measure(levels: list[int], extra_env: dict[str, str]) -> dict:
    """Start the servers, warm up, time a bare parse, then each level and the no-pause stress pass."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {"BOOKINGS_DB_URL": f"sqlite:///{tmp}/bookings.db", "CLINIC_CLOCK": TUESDAY_TEN, **extra_env}
        with running_servers(MODEL, RESULTS / "tmp" / "load-logs", env, enable_api=True) as servers:
            rest = f"{servers.rasa_url}/webhooks/rest/webhook"
            asyncio.run(level(rest, 1, 0, think=False))  # warm-up
            parse = asyncio.run(bare_parse(f"{servers.rasa_url}/model/parse?token={servers.api_token}"))
            rows = []
            assert servers.rasa is not None and servers.actions is not None  # started by running_servers
            for users in levels:
                row = asyncio.run(level(rest, users, 1))
                row["rss_mb"] = {"rasa": rss_mb(servers.rasa.pid), "actions": rss_mb(servers.actions.pid)}
                row["ratio_p50_over_bare_parse"] = round(row["p50_ms"] / parse["p50_ms"], 1)
                rows.append(row)
                print(json.dumps(row), flush=True)
            stress = asyncio.run(level(rest, 10, 2, think=False))
            print(json.dumps(stress), flush=True)
    return {
        "conversation_messages": len(CONVERSATION),
        "bare_parse": parse,
        "levels": rows,
        "stress_10_no_think": stress,
    }


def compare_nlu_thread(rounds: int) -> None:
    """NLU in the event loop (Rasa's way) against NLU in a worker thread, alternating, in one run."""
    runs: dict[str, list[dict]] = {"0": [], "1": []}
    for _ in range(rounds):
        for setting in ("0", "1"):
            print(f"NLU_IN_THREAD={setting}", flush=True)
            runs[setting].append(measure([10, 50], {"NLU_IN_THREAD": setting}))

    def median(setting: str, pick) -> float:
        return round(statistics.median(pick(r) for r in runs[setting]), 1)

    figures = {
        "10 patients p95 (ms)": lambda r: r["levels"][0]["p95_ms"],
        "50 patients p50 (ms)": lambda r: r["levels"][1]["p50_ms"],
        "50 patients p95 (ms)": lambda r: r["levels"][1]["p95_ms"],
        "stress messages/s": lambda r: r["stress_10_no_think"]["messages_per_s"],
        "stress p95 (ms)": lambda r: r["stress_10_no_think"]["p95_ms"],
        "bare parse p50 (ms)": lambda r: r["bare_parse"]["p50_ms"],
    }
    table = {name: {"event_loop": median("0", pick), "thread": median("1", pick)} for name, pick in figures.items()}
    for row in table.values():
        row["thread_over_event_loop"] = round(row["thread"] / row["event_loop"], 2)
    errors = sum(lv["errors"] for rs in runs.values() for r in rs for lv in r["levels"] + [r["stress_10_no_think"]])
    lines = [
        f"NLU in the event loop (Rasa 3.6) vs in a worker thread (components/parse_in_thread.py): "
        f"medians of {rounds} alternating rounds in one run, {errors} errors in all.",
        "",
        "| figure | event loop | thread | thread ÷ event loop |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {name} | {row['event_loop']} | {row['thread']} | {row['thread_over_event_loop']} |"
        for name, row in table.items()
    ]
    write_results("load_nlu_thread", {"rounds": rounds, "errors": errors, "medians": table, "runs": runs}, lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--levels", nargs="*", type=int, default=[1, 10, 50])
    ap.add_argument(
        "--compare-nlu-thread",
        type=int,
        metavar="ROUNDS",
        default=0,
        help="instead: NLU in the event loop vs in a thread, ROUNDS alternating rounds each",
    )
    args = ap.parse_args()
    if args.compare_nlu_thread:
        compare_nlu_thread(args.compare_nlu_thread)
        return
    result = measure(args.levels, {})
    rows, parse, stress = result["levels"], result["bare_parse"], result["stress_10_no_think"]
    lines = [
        "| patients at once | messages | errors | p50 / p95 / p99 (ms) | messages/s | p50 ÷ bare parse p50 "
        "| RSS Rasa / actions (MB) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['users']} | {latency_cells(r)} | {r['ratio_p50_over_bare_parse']} | "
            f"{r['rss_mb']['rasa']['VmRSS']} / {r['rss_mb']['actions']['VmRSS']} |"
        )
    lines.append(
        f"\nPatients pause {THINK[0]:g}-{THINK[1]:g} s between messages. Bare `/model/parse`: "
        f"p50 {parse['p50_ms']} ms, p95 {parse['p95_ms']} ms. Stress (10 patients, no pause): "
        f"{stress['messages_per_s']} messages/s, p50 {stress['p50_ms']} ms, p95 {stress['p95_ms']} ms, "
        f"{stress['errors']} errors."
    )
    write_results("load", result, lines)


if __name__ == "__main__":
    main()
