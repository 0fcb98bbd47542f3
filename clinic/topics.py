"""Topic titles for quick-reply buttons, read from data/content/topics.yml.

One mapping drives every button that names a topic ("Did you mean ...?", greeting, follow-ups),
as Sara's intent description mapping did. FAQ titles are sent back as text and classified by the
model; plain intents are sent as "/intent", which Rasa resolves without the model.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

TOPICS_FILE = Path(__file__).resolve().parent.parent / "data" / "content" / "topics.yml"


@lru_cache(maxsize=1)
def titles() -> dict[str, str]:
    """Label ("faq/pain", "book_appointment") -> button title."""
    return dict(yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8")))


def button(label: str) -> dict[str, str]:
    """A quick-reply button for a label (KeyError if the label has no title)."""
    title = titles()[label]
    payload = title if label.startswith("faq/") else f"/{label}"
    return {"title": title, "payload": payload}


def buttons(labels: list[str]) -> list[dict[str, str]]:
    return [button(label) for label in labels if label in titles()]
