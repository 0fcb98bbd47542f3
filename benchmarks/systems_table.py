"""Every system, the same figures, on three sets, in one run (issue 17's side-by-side table).

    .venv/bin/python benchmarks/systems_table.py [--model models/clinic.tar.gz]
                                                [--peer-model "rasa default=models/rasa_default.tar.gz"]

Sets:
  - the held-out file (tests/nlu/heldout.yml): written by the team, never trained on;
  - 5-fold cross-validation: the folds that benchmarks/cross_validation.py wrote (run it first); the
    project's answers are its out-of-fold predictions, each peer is trained on each fold's training part;
  - the blind FAQ set's reporting half (tests/blind/faq_report.yml): strangers' words, never read.
Systems: the project, the peers of benchmarks/faq_blind.py (nearest question by TF-IDF and by MiniLM, the
logistic regression with a 0.5 floor), and any trained model given with --peer-model (held-out and blind
only: a cross-validation of Rasa's default pipeline takes five trainings of ~18 min each on 2 cores).

Figures as benchmarks/faq_blind.py scores them (right topic, wrong topic answered confidently, clarified
with the right topic among the buttons, out of scope refused, not_covered answered honestly, patient cost).
In cross-validation the project's "Did you mean…?" buttons are not kept, so "clarified, right among
buttons" counts only a clarification whose first reading was the right topic (a lower bound).

Writes benchmarks/results/systems_table.json and systems_table.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.baselines import ENCODERS  # noqa: E402
from benchmarks.faq_blind import COLUMNS, load, peer_answers, score, score_answers  # noqa: E402
from tests.harness.nlu import load_examples, minilm_encoder  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
FOLDS = RESULTS / "tmp" / "cv"
HELD_OUT = ROOT / "tests" / "nlu" / "heldout.yml"


def cached_minilm(texts: Sequence[str]) -> dict[str, Any]:
    """The peers' encoders with MiniLM's vectors computed once for every text of the run (the folds
    would otherwise encode the same texts about 30 times)."""
    unique = sorted(set(texts))
    vectors = dict(zip(unique, minilm_encoder(unique)(unique)))

    def factory(_: Sequence[str]):
        return lambda batch: np.vstack([vectors[t] for t in batch])

    return {**ENCODERS, "minilm": factory}


def cell(result: dict[str, Any], column: str) -> str:
    """A figure, or "–" where the set has no message of its kind (the held-out file has no not_covered)."""
    group = {"out of scope refused": "out_of_scope", "not_covered honest": "faq/not_covered"}.get(column)
    return "–" if group and not result[group]["n"] else str(result[column])


def items_of(examples: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"text": text, "label": label} for text, label in examples]


def markdown(table: dict[str, dict[str, Any]]) -> list[str]:
    """systems_table.md: one table per set, a row per system."""
    order = ["held-out file", "5-fold cross-validation", "blind reporting half"]
    md = [
        "# Every system, the same figures, three sets",
        "",
        "Written by `benchmarks/systems_table.py` (method in its docstring).",
        "",
    ]
    for set_name in order:
        md += [
            f"## {set_name}",
            "",
            "| system | " + " | ".join(COLUMNS) + " | n |",
            "|---|" + "---|" * (len(COLUMNS) + 1),
        ]
        for name, by_set in table.items():
            if set_name in by_set:
                result = by_set[set_name]
                md.append(f"| {name} | " + " | ".join(cell(result, c) for c in COLUMNS) + f" | {result['n']} |")
        md.append("")
    return md


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(ROOT / "models" / "clinic.tar.gz"))
    ap.add_argument("--peer-model", action="append", default=[], metavar="NAME=PATH")
    ap.add_argument("--results", default=str(RESULTS))
    args = ap.parse_args()
    folds = sorted(FOLDS.glob("fold*"))
    predictions_file = FOLDS / "predictions.json"
    if not folds or not predictions_file.is_file():
        sys.exit(f"no folds in {FOLDS}: run benchmarks/cross_validation.py first")
    from rasa.core.agent import Agent

    train_all = load_examples(ROOT / "data" / "nlu")
    sets = {"held-out file": items_of(load_examples(HELD_OUT)), "blind reporting half": load("report")}
    fold_sets = [(load_examples(f / "train" / "train.yml"), items_of(load_examples(f / "test.yml"))) for f in folds]
    every_text = [t for t, _ in train_all] + [i["text"] for items in sets.values() for i in items]
    every_text += [t for train, test in fold_sets for t in [x for x, _ in train] + [i["text"] for i in test]]
    encoders = cached_minilm(every_text)

    table: dict[str, dict[str, Any]] = {}
    agent = Agent.load(args.model)
    others = {name: Agent.load(path) for name, path in (p.split("=", 1) for p in args.peer_model)}

    async def parse_all(model: Any, texts: list[str]) -> list[dict[str, Any]]:
        return [await model.parse_message(t) for t in texts]

    for set_name, items in sets.items():
        texts = [i["text"] for i in items]
        table.setdefault("project", {})[set_name] = score(items, asyncio.run(parse_all(agent, texts)))
        for name, model in others.items():
            table.setdefault(name, {})[set_name] = score(items, asyncio.run(parse_all(model, texts)))
        for name, answers in peer_answers(items, train_all, encoders).items():
            table.setdefault(name, {})[set_name] = score_answers(items, answers)
        print(set_name, "done", flush=True)

    # Cross-validation: answers pooled over the folds, then scored once.
    predictions = {p["text"]: p for p in json.loads(predictions_file.read_text())}
    pooled_items: list[dict[str, str]] = []
    pooled: dict[str, list[tuple[str, list[str]]]] = {}
    for train, test in fold_sets:
        pooled_items += test
        project = []
        for item in test:
            seen = predictions.get(item["text"], {})
            project.append((seen.get("predicted", "nlu_fallback"), [seen["raw"]] if seen.get("raw") else []))
        pooled.setdefault("project", []).extend(project)
        for name, answers in peer_answers(test, train, encoders).items():
            pooled.setdefault(name, []).extend(answers)
    for name, answers in pooled.items():
        table.setdefault(name, {})["5-fold cross-validation"] = score_answers(pooled_items, answers)

    md = markdown(table)
    print("\n".join(md))
    out = Path(args.results)
    out.mkdir(parents=True, exist_ok=True)
    (out / "systems_table.json").write_text(json.dumps(table, indent=2) + "\n")
    (out / "systems_table.md").write_text("\n".join(md) + "\n")


if __name__ == "__main__":
    main()
