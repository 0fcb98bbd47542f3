"""The blind warning-sign sets and what each serves (development, reporting, reserve), read from
tests/blind/warning_sign_sets.yml so the benchmark, its README generator and the tests agree by
construction. Light on purpose (YAML only): benchmarks/make_readme.py imports it without TensorFlow."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.harness.paths import BLIND, load_yaml

REGISTRY = BLIND / "warning_sign_sets.yml"
STATUSES = ("development", "reporting", "reserve")


@dataclass(frozen=True)
class WarningSignSet:
    key: str
    name: str  # "Fourteenth set"
    status: str  # one of STATUSES
    escalated: int | None = None  # reporting sets: look-alikes escalated at their last scoring (a floor)

    @property
    def path(self) -> Path:
        return BLIND / f"warning_signs_{self.key}.yml"

    @property
    def label(self) -> str:
        """The set's name with what it serves, for results tables."""
        return f"{self.name} ({self.status})"


def warning_sign_sets(registry: Path = REGISTRY) -> list[WarningSignSet]:
    """Every set in the registry's order; a status outside STATUSES is an error, not a silent skip."""
    sets = [WarningSignSet(**entry) for entry in load_yaml(registry)["sets"]]
    wrong = [s.key for s in sets if s.status not in STATUSES]
    if wrong:
        raise ValueError(f"{registry}: status must be one of {STATUSES}: {wrong}")
    return sets


def with_status(status: str) -> list[WarningSignSet]:
    return [s for s in warning_sign_sets() if s.status == status]


def scored() -> list[WarningSignSet]:
    """The sets the benchmark parses: development, then reporting (never the reserve)."""
    return with_status("development") + with_status("reporting")
