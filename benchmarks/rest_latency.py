"""Latency of 100 sequential patient messages over the REST channel, and each server's memory.

Starts the real action server and Rasa server on loopback (tests/servers.py), sends a mix of FAQ
questions, small talk, a reaction report and an out-of-scope message from several patients one after
another, and writes p50/p95 and the resident memory (RSS) of each process to
benchmarks/results/rest_latency.json.

    .venv/bin/python benchmarks/rest_latency.py [--messages 100]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.nlu_eval import percentile  # noqa: E402
from tests.servers import running_servers  # noqa: E402

MESSAGES = ["hi", "what is mesotherapy", "does it hurt?", "how many sessions do i need",
            "how long do results last", "what's in the injections", "is there downtime",
            "how much does it cost", "who won the match yesterday", "thanks", "bye"]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=100)
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "clinic.tar.gz")
    args = ap.parse_args()
    latencies = []
    with running_servers(args.model, ROOT / "results" / "bench-logs") as servers:
        servers.send("warm-up", "hello")
        for i in range(args.messages):
            sender = f"bench-{i // len(MESSAGES)}"
            start = time.perf_counter()
            replies = servers.send(sender, MESSAGES[i % len(MESSAGES)])
            latencies.append((time.perf_counter() - start) * 1000)
            assert replies, f"no reply to message {i}"
        memory = {"rasa_server_rss_mb": rss_mb(servers.rasa.pid),
                  "action_server_rss_mb": rss_mb(servers.actions.pid)}
    result = {"messages": len(latencies), "p50_ms": round(statistics.median(latencies), 1),
              "p95_ms": round(percentile(latencies, 0.95), 1),
              "max_ms": round(max(latencies), 1), **memory}
    out = ROOT / "benchmarks" / "results" / "rest_latency.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
