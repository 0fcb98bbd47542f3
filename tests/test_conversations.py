"""Conversation tests with `rasa test` on tests/stories/, plus `rasa data validate`."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.harness.inprocess import rasa_test_core_e2e
from tests.harness.paths import ROOT, VENV_BIN

pytestmark = pytest.mark.slow
OUT = ROOT / "results" / "conversations"


def test_training_data_validates_cleanly():
    # Rasa's validate --fail-on-warnings; external-event intents (EXTERNAL_...) need no examples.
    done = subprocess.run(
        [str(VENV_BIN / "python"), "scripts/validate_data.py"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]


def test_every_test_story_passes(agent):
    # `rasa test core --stories tests/stories --out OUT --e2e --no-plot` on the session's loaded model
    done = rasa_test_core_e2e(agent, ROOT / "tests" / "stories", OUT)
    failed = OUT / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else done.stdout[-4000:] + done.stderr[-4000:]
    assert done.returncode == 0, details
    report = json.loads((OUT / "story_report.json").read_text())
    assert report["conversation_accuracy"]["accuracy"] == 1.0, details
