"""Score one trained Rasa model on a labelled file in a process of its own (so its peak RSS is its own).

    .venv/bin/python benchmarks/eval_model.py MODEL.tar.gz [--eval tests/nlu/heldout.yml]
prints one JSON object (benchmarks/nlu_eval.py's figures plus peak_rss_mb).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.nlu_eval import evaluate_model  # noqa: E402
from tests.harness.nlu import load_examples  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model", type=Path)
    ap.add_argument("--eval", type=Path, default=ROOT / "tests" / "nlu" / "heldout.yml")
    args = ap.parse_args()
    result = evaluate_model(args.model, load_examples(args.eval))
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
