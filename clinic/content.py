"""Texts the actions send live in data/content/*.yml, so a clinic edits words without touching code."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict

import yaml

CONTENT_DIR = Path(__file__).resolve().parent.parent / "data" / "content"


@lru_cache(maxsize=None)
def load(name: str) -> Dict[str, Any]:
    """data/content/<name>.yml as a dict (read once per process)."""
    return yaml.safe_load((CONTENT_DIR / f"{name}.yml").read_text(encoding="utf-8"))
