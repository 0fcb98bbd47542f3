"""The held-out file must stay unseen: no held-out message may appear in the training data."""

from __future__ import annotations

import re

from tests.harness.paths import ROOT, load_yaml


def _examples(path):
    for item in load_yaml(path).get("nlu", []):
        if "intent" not in item:
            continue
        for line in (item.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                yield normalise(line[2:])


def normalise(text: str) -> str:
    """Entity markup, case and punctuation do not make a message new: "Does it hurt?" = "does it hurt"."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def test_no_heldout_message_is_in_the_training_data():
    heldout = set(_examples(ROOT / "tests" / "nlu" / "heldout.yml"))
    leaked = {text for path in (ROOT / "data" / "nlu").glob("*.yml") for text in _examples(path)} & heldout
    assert not leaked, f"held-out messages found in training data: {sorted(leaked)[:10]}"
