"""Do two replicas ever hold one conversation's lock at the same time? Rasa's RedisLockStore vs ours.

Simulates replicas as threads, each with its own lock-store instance (its own Redis connection), all
taking the lock of the same conversation in a loop, the way Rasa's MessageProcessor does for each
message. Inside the lock each counts how many are inside; more than one is a race (two messages of
one patient processed at once). Errors are "Could not acquire lock" and the like: a message that
would have failed. Needs a redis-server binary (started on loopback by tests/harness/infra.py).
Results: benchmarks/results/lock_race.json.

    .venv/bin/python benchmarks/lock_race.py [--replicas 4] [--rounds 30] [--runs 2]

With Rasa's store a lost ticket can also stall a conversation until the lock expires (30 s here),
so longer runs of it take minutes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.harness.lock_race import hammer  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def main() -> None:
    from rasa.core.lock_store import RedisLockStore

    from components.lock_store import redis_lock_store
    from tests.harness.infra import start_redis

    ap = argparse.ArgumentParser()
    ap.add_argument("--replicas", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    redis = start_redis()
    try:
        atomic = redis_lock_store(redis.url)
        rasa_kwargs = dict(
            host="127.0.0.1",
            port=redis.port,
            db=0,
            password=atomic.red.connection_pool.connection_kwargs.get("password"),
        )
        results: dict[str, list[dict[str, float]]] = {"rasa_redis_lock_store": [], "atomic_redis_lock_store": []}
        for run in range(args.runs):
            results["rasa_redis_lock_store"].append(
                hammer(lambda: RedisLockStore(**rasa_kwargs), args.replicas, args.rounds, f"rasa-{run}")
            )
            results["atomic_redis_lock_store"].append(
                hammer(lambda: redis_lock_store(redis.url), args.replicas, args.rounds, f"atomic-{run}")
            )
    finally:
        redis.stop()
    summary = {
        name: {
            "runs": len(runs),
            "messages": sum(r["replicas"] * r["rounds"] for r in runs),
            "processed": sum(r["processed"] for r in runs),
            "runs_with_two_inside": sum(r["most_inside_at_once"] > 1 for r in runs),
            "most_inside_at_once": max(r["most_inside_at_once"] for r in runs),
            "failed_messages": sum(r["failed_messages"] for r in runs),
        }
        for name, runs in results.items()
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "lock_race.json").write_text(json.dumps({"summary": summary, "runs": results}, indent=2))
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
