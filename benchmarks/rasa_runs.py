"""Rasa's own training command, run from a benchmark in a process of its own, as the assistant is trained.

Why one place: the pipeline comparison and the cross-validation must train exactly alike (same command,
same domain, same environment), or their figures would not be comparable.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
RASA = str(ROOT / ".venv" / "bin" / "rasa")
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": str(ROOT)}


def train_nlu(config: Path, nlu: str, out: Path, name: str, env: dict[str, str] = ENV) -> float:
    """`rasa train nlu` into `out`/`name`.tar.gz; returns the seconds it took.

    With the domain, as `rasa train` builds the assistant's own model (the FAQ answers are part of what
    the featurizers and ResponseSelector see)."""
    start = time.perf_counter()
    subprocess.run(
        [
            RASA,
            "train",
            "nlu",
            "-c",
            str(config),
            "-d",
            "domain.yml",
            "--nlu",
            nlu,
            "--out",
            str(out),
            "--fixed-model-name",
            name,
        ],
        cwd=ROOT,
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start
