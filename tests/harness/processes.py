"""Jobs for tests that start processes of their own (tests/test_report_reader.py): importable by a spawned
process, unlike a function defined in a test module's string."""

from __future__ import annotations

import os
import time
from pathlib import Path


def mark_and_sleep(marker: str, seconds: float) -> None:
    """Write this process's pid to `marker` (it is running its job), then sleep."""
    Path(marker).write_text(str(os.getpid()))
    time.sleep(seconds)
