"""`rasa test nlu` and `rasa test core` run on the session's already loaded model (the `agent` fixture).

The commands load the model again in a new process (30-50 s) and then call these same functions on
the agent they loaded: rasa.nlu.test.run_evaluation and rasa.core.test.test, with the arguments the
command line gives them. Run here, the result files in `--out` are the same; what comes back looks
like subprocess.run's: returncode 0 when the evaluation finished, 1 (and the traceback in stderr)
when it raised, as the command's exit code would say.

One shortcut, same figures: for a message that falls back, the evaluation reads the prediction as if
the FallbackClassifier were absent (fallback_classifier.undo_fallback_prediction), and Rasa makes that
reading from a deep copy of the whole parse, spaCy documents and their vocabulary included: several
seconds a message, most of the evaluation's time (a profile of tests/nlu/heldout.yml: 7 such copies,
60 of its 65 s). The copy is only read, so `rasa_test_nlu` swaps in a copy of
the two keys it changes (same intent, same ranking).
"""

from __future__ import annotations

import asyncio
import subprocess
import traceback
from collections.abc import Coroutine
from pathlib import Path
from typing import Any
from unittest import mock

from tests.harness.paths import ROOT


def _finished(args: list[str], evaluation: Coroutine[Any, Any, Any]) -> subprocess.CompletedProcess:
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(evaluation)
        return subprocess.CompletedProcess(args, 0, "", "")
    except Exception:  # the command would have exited non-zero with this on stderr
        return subprocess.CompletedProcess(args, 1, "", traceback.format_exc())
    finally:
        loop.close()


def _undo_fallback_prediction(prediction: dict[str, Any]) -> dict[str, Any]:
    """rasa.nlu.classifiers.fallback_classifier.undo_fallback_prediction without the deep copy: the same
    intent (the ranking's second) and ranking (without the fallback) in a new dict, the rest shared."""
    from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY

    ranking = prediction.get(INTENT_RANKING_KEY, [])
    if len(ranking) < 2:
        return prediction
    return {**prediction, INTENT: ranking[1], INTENT_RANKING_KEY: list(ranking[1:])}


def rasa_test_nlu(agent, nlu: Path, out: Path) -> subprocess.CompletedProcess:
    """`rasa test nlu --nlu <nlu> --out <out> --successes --no-plot` (errors written, domain.yml)."""
    from rasa.nlu.classifiers import fallback_classifier
    from rasa.nlu.test import run_evaluation

    out.mkdir(parents=True, exist_ok=True)
    evaluation = run_evaluation(
        str(nlu),
        agent.processor,
        output_directory=str(out),
        successes=True,
        errors=True,
        disable_plotting=True,
        domain_path=str(ROOT / "domain.yml"),
    )
    with mock.patch.object(fallback_classifier, "undo_fallback_prediction", _undo_fallback_prediction):
        return _finished(["rasa test nlu", str(nlu)], evaluation)


def rasa_test_core_e2e(agent, stories: Path, out: Path) -> subprocess.CompletedProcess:
    """`rasa test core --stories <stories> --out <out> --e2e --no-plot` (errors and warnings written)."""
    from rasa.core.test import test

    out.mkdir(parents=True, exist_ok=True)
    evaluation = test(
        str(stories),
        agent,
        out_directory=str(out),
        e2e=True,
        disable_plotting=True,
        successes=False,
        errors=True,
        warnings=True,
    )
    return _finished(["rasa test core", str(stories)], evaluation)
