"""Scale-out load: the same patients through nginx with 1 and then 2 Rasa + action server replicas.

Each setup is the full loopback deployment of tests/harness/cluster.py (PostgreSQL conversations and
bookings, Redis locks, nginx in front); only the number of replicas changes, in the same run. The
load is benchmarks/load.py's: whole conversations (FAQ questions, a booking, an unclear message),
first with patients pausing 1-3 s between messages, then a stress pass with no pauses, which gives
the saturation throughput. Figures: messages/s, p50/p95/p99, errors, and the 2-replica/1-replica ratio.
On one 2-core machine both replicas share the same two cores, so this measures the overhead and the
correctness of the setup more than the gain a second machine would give.
Results: benchmarks/results/scale_load.json and .md.

    .venv/bin/python benchmarks/load_scale.py [--patients 20]      (make bench-scale)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.load import RESULTS, latency_cells, level, write_results  # noqa: E402
from tests.harness.cluster import running_cluster  # noqa: E402
from tests.harness.paths import MODEL  # noqa: E402
from tests.harness.servers import TUESDAY_TEN  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--patients", type=int, default=20)
    args = ap.parse_args()
    env = {"CLINIC_CLOCK": TUESDAY_TEN}
    rows: list[dict[str, Any]] = []
    for replicas in (1, 2):
        with running_cluster(MODEL, RESULTS / "tmp" / f"scale-load-{replicas}", replicas, env) as cluster:
            rest = f"{cluster.url}/webhooks/rest/webhook"
            asyncio.run(level(rest, 2, 0, think=False))  # warm-up: every replica loads its caches
            chatting = asyncio.run(level(rest, args.patients, 1))
            stress = asyncio.run(level(rest, args.patients, 2, think=False))
        row: dict[str, Any] = {"replicas": replicas, "chatting": chatting, "stress": stress}
        rows.append(row)
        print(json.dumps(row), flush=True)
    one, two = rows
    ratios = {
        "stress_messages_per_s": round(two["stress"]["messages_per_s"] / one["stress"]["messages_per_s"], 2),
        "stress_p95": round(two["stress"]["p95_ms"] / one["stress"]["p95_ms"], 2),
        "chatting_p95": round(two["chatting"]["p95_ms"] / one["chatting"]["p95_ms"], 2),
    }
    lines = ["| replicas | pass | messages | errors | p50 / p95 / p99 (ms) | messages/s |", "|---|---|---|---|---|---|"]
    for row in rows:
        for name in ("chatting", "stress"):
            r = row[name]
            lines.append(
                f"| {row['replicas']} | {name} ({'1-3 s pauses' if name == 'chatting' else 'no pauses'}) "
                f"| {latency_cells(r)} |"
            )
    lines.append(
        f"\n{args.patients} patients at once through nginx, PostgreSQL + Redis, one 2-core machine. "
        f"2 replicas ÷ 1: stress messages/s ×{ratios['stress_messages_per_s']}, stress p95 "
        f"×{ratios['stress_p95']}, chatting p95 ×{ratios['chatting_p95']}."
    )
    write_results("scale_load", {"patients": args.patients, "rows": rows, "two_over_one": ratios}, lines)


if __name__ == "__main__":
    main()
