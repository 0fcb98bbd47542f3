"""The blind warning-sign sets and what each serves (development, reporting, reserve), read from
tests/blind/warning_sign_sets.yml so the benchmark and the tests agree by construction. Light on
purpose (YAML only, no TensorFlow)."""

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
    escalated: int | None = None  # reporting sets only: look-alikes escalated at their last scoring (a cap)

    @property
    def path(self) -> Path:
        return BLIND / f"warning_signs_{self.key}.yml"

    @property
    def label(self) -> str:
        """The set's name with what it serves, for results tables."""
        return f"{self.name} ({self.status})"


def warning_sign_sets(registry: Path = REGISTRY) -> list[WarningSignSet]:
    """Every set in the registry's order. A wrong status, or a cap on a set that is not reporting (or none
    on one that is), is an error, not a silent skip: the tests' caps come from here."""
    sets = [WarningSignSet(**entry) for entry in load_yaml(registry)["sets"]]
    wrong = [s.key for s in sets if s.status not in STATUSES or (s.escalated is None) == (s.status == "reporting")]
    if wrong:
        raise ValueError(f"{registry}: a status of {STATUSES}, and `escalated` on reporting sets only: {wrong}")
    return sets


def with_status(status: str) -> list[WarningSignSet]:
    """The sets that serve `status`, in the registry's order (a misspelt status raises, never gives none)."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}, not {status!r}")
    return [s for s in warning_sign_sets() if s.status == status]


def scored() -> list[WarningSignSet]:
    """The sets the benchmark parses: development (the weights are fitted after the last), then reporting;
    never the reserve."""
    sets = warning_sign_sets()
    return [s for s in sets if s.status == "development"] + [s for s in sets if s.status == "reporting"]
