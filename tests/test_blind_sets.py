"""The blind sets stay blind: frozen byte for byte, and none of their messages in the training data.

They were written by a helper who never saw data/ (tests/blind/README.md). If a check here fails,
do not update the checksum or reword the data to pass it: remove the leaked message from data/.
"""
from __future__ import annotations

import hashlib
import re
import sys

import pytest
import yaml

from tests.conftest import ROOT

BLIND = ROOT / "tests" / "blind"
FROZEN = {  # sha256 of each file as the helper's set was split on 2026-12-01
    "warning_signs_dev.yml": "475f784898e9b90d67c72771eb46c67d8427470ac0bd0b23fa58e9c8667c9f4c",
    "warning_signs_report.yml": "fb8b3ec38eb249b7b8a36547407b2f79edffd63f07ead365cd4ac29736862363",
    "warning_signs_v2.yml": "2d06f06536fc9f5276097098ceab4a156f783267fbaa8fc8ed840c1019a2a90b",  # written 2026-12-01, later
    "faq_dev.yml": "d88d099afbf1074dee023742ce3be777df678ccba73ac1dfeec88b35576072fe",  # issue 17, development half
    "faq_report.yml": "7d24bcce45655b46a164b8b6c34cd56cd07f22a6faca16939964a89dce769864",  # issue 17, reporting half
    "warning_signs_v3.yml": "96c53fda2f985416a4956edf1e19d3cb9c8b1c00de06d4aa1ba8101e877df121",  # third, the reporting set from 2026-12-01 03:50
}


def normal(text: str) -> str:
    """Lower case, letters and digits only: a leak is still a leak with other punctuation or spacing."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower().replace("’", "'")).strip()


def training_lines() -> set:
    """Every line of every YAML file under data/ (training data and the catalogue), normalised.

    Whole lines, not substrings: a short blind message ("keeps oozing blood") may well occur inside a
    longer phrasing of our own without having been copied."""
    lines = set()
    for path in sorted((ROOT / "data").rglob("*.yml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            lines.add(normal(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.strip().lstrip("-"))))
    return lines


@pytest.mark.parametrize("name", sorted(FROZEN))
def test_blind_set_is_frozen(name):
    digest = hashlib.sha256((BLIND / name).read_bytes()).hexdigest()
    assert digest == FROZEN[name], f"{name} changed: blind sets are frozen (tests/blind/README.md)"


@pytest.mark.parametrize("name", sorted(FROZEN))
def test_no_blind_message_is_in_the_training_data(name):
    data = yaml.safe_load((BLIND / name).read_text(encoding="utf-8"))
    corpus = training_lines()
    items = data.get("reports", []) + data.get("harmless", []) + data.get("messages", [])
    assert items, f"{name} has no messages"
    leaked = [item["text"] for item in items if normal(item["text"]) in corpus]
    assert not leaked, f"blind messages found in data/: {leaked[:5]}"


def test_the_leak_check_would_see_a_copied_message(tmp_path, monkeypatch):
    """The check above is not vacuous: a blind message pasted into training data with other punctuation is found."""
    message = yaml.safe_load((BLIND / "warning_signs_report.yml").read_text(encoding="utf-8"))["reports"][0]["text"]
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "leak.yml").write_text(
        f"nlu:\n- intent: report_adverse_reaction\n  examples: |\n    - {message.upper()}!!\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert normal(message) in training_lines()
