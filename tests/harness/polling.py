"""Free ports and waits that poll with a bounded timeout, instead of sleeping for a fixed time."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate: Callable[[], T], seconds: float = 20, interval: float = 0.1) -> T:
    """Call `predicate` until it gives something true, at most `seconds`; returns its last answer.

    `assert wait_until(lambda: ...)` fails once the time is up; an exception from `predicate` ends the wait.
    """
    deadline = time.monotonic() + seconds
    while True:
        answer = predicate()
        if answer or time.monotonic() >= deadline:
            return answer
        time.sleep(interval)


async def wait_until_async(predicate: Callable[[], T], seconds: float = 20, interval: float = 0.05) -> T:
    """wait_until inside an event loop: other tasks run between the checks."""
    deadline = time.monotonic() + seconds
    while True:
        answer = predicate()
        if answer or time.monotonic() >= deadline:
            return answer
        await asyncio.sleep(interval)


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for_port(port: int, seconds: float, process: subprocess.Popen | None = None) -> None:
    def answered() -> bool:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        return port_open(port)

    if not wait_until(answered, seconds, 0.1):
        raise TimeoutError(f"nothing answered on 127.0.0.1:{port} within {seconds:.0f} s")
