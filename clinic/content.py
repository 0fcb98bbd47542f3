"""Texts the actions send live in data/content/*.yml, so a clinic edits words without touching code.

Every sentence a patient reads comes from a data file: the domain's responses, or a text here (read
with `text`, which fills its {placeholders}). Python only chooses which text and fills in the facts
(tests/test_one_source.py checks that actions/ and channels/ hold no reply sentences of their own).
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CONTENT_DIR = Path(__file__).resolve().parent.parent / "data" / "content"


@cache
def load(name: str) -> dict[str, Any]:
    """data/content/<name>.yml as a dict (read once per process)."""
    return yaml.safe_load((CONTENT_DIR / f"{name}.yml").read_text(encoding="utf-8"))


def entry(name: str, key: str, /) -> Any:
    """The value at a dotted key of data/content/<name>.yml ("consent.callback"), as written (a copy)."""
    found: Any = load(name)
    for part in key.split("."):
        found = found[part]
    return copy.deepcopy(found)


def text(name: str, key: str, /, **values: Any) -> str:
    """The text at a dotted key of data/content/<name>.yml, its {placeholders} filled from `values`."""
    return str(entry(name, key)).format(**values)
