"""`rasa test nlu` and `rasa test core` run on the session's already loaded model (the `agent` fixture).

The commands load the model again in a new process (30-50 s) and then call these same functions on
the agent they loaded: rasa.nlu.test.run_evaluation and rasa.core.test.test, with the arguments the
command line gives them. Run here, the result files in `--out` are the same; what comes back looks
like subprocess.run's: returncode 0 when the evaluation finished, 1 (and the traceback in stderr)
when it raised, as the command's exit code would say.
"""

from __future__ import annotations

import asyncio
import subprocess
import traceback
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

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


def rasa_test_nlu(agent, nlu: Path, out: Path) -> subprocess.CompletedProcess:
    """`rasa test nlu --nlu <nlu> --out <out> --successes --no-plot` (errors written, domain.yml)."""
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
