"""The project's folders and files, for tests and benchmarks."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
MODEL = ROOT / "models" / "clinic.tar.gz"
VENV_BIN = ROOT / ".venv" / "bin"
RASA = VENV_BIN / "rasa"
RESULTS = ROOT / "results"
SAFETY_CASES = ROOT / "tests" / "safety_cases.yml"  # the team's own warning-sign cases
BLIND = ROOT / "tests" / "blind"  # the sets written by helpers who never saw data/ (tests/blind/README.md)


def load_yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))
