"""Replicas, as threads with a lock store each, taking one conversation's lock in a loop.

Each takes the lock the way Rasa's MessageProcessor does for each message and counts how many are
inside at once; more than one is a race (two messages of one patient processed together). A failure to
take the lock is a message that would have been lost. Used by tests/test_lock_store.py and
benchmarks/lock_race.py.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable


def hammer(
    make_store: Callable[[], object], replicas: int = 4, rounds: int = 50, conversation: str = "patient-race"
) -> dict[str, float]:
    """Every replica takes the lock `rounds` times; returns the most seen inside at once and errors."""
    inside, most, errors, done = [0], [0], [0], [0]
    guard = threading.Lock()

    async def replica(store) -> None:
        for _ in range(rounds):
            try:
                async with store.lock(conversation, lock_lifetime=30, wait_time_in_seconds=0.005):
                    with guard:
                        inside[0] += 1
                        most[0] = max(most[0], inside[0])
                    await asyncio.sleep(0.002)  # the message being processed
                    with guard:
                        inside[0] -= 1
                        done[0] += 1
            except Exception:  # noqa: BLE001 - every failure is a lost message here
                with guard:
                    errors[0] += 1

    def run_replica(store) -> None:
        asyncio.run(replica(store))

    threads = [threading.Thread(target=run_replica, args=(make_store(),)) for _ in range(replicas)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return {
        "replicas": replicas,
        "rounds": rounds,
        "processed": done[0],
        "most_inside_at_once": most[0],
        "failed_messages": errors[0],
        "seconds": round(time.perf_counter() - start, 2),
    }
