"""Strangers' questions: the blind FAQ set, scored as a patient would notice, in one run.

    .venv/bin/python benchmarks/faq_blind.py [--model models/clinic.tar.gz]

The blind FAQ set (tests/blind/faq_{dev,report}.yml) was written by helpers who never saw data/, in
the registers strangers use. Every message is parsed once; each is then scored by what the patient
gets:
  - right:     the answer to their question (right FAQ topic, or the right intent);
  - wrong:     a confident answer to another question (the harm this benchmark is about);
  - clarified: "Did you mean…?" (nlu_fallback), split by whether the right topic is among the buttons;
  - refused:   out of scope ("I can't help with that").
For out-of-scope messages "refused" counts a refusal or a "Did you mean…?" (nothing is answered);
for `faq/not_covered`, "honest" counts the not-covered answer. A message the assistant reads as several
questions is answered part by part: right when the asked topic is among the parts' topics, scored
by its first part otherwise.

The topic-doubt settings (components/topic_doubt.py: the FAQ topic's confidence and margin
below which an FAQ answer becomes "Did you mean…?") are chosen on the DEVELOPMENT half by patient cost
(a wrong answer costs 1, a "Did you mean…?" 0.5, 0.3 when the right topic is among the buttons), and
the run says whether config.yml holds them. The REPORTING half is scored with config.yml's settings,
also with its messages lowercased, with typos, and after a chatty lead-in.

Writes benchmarks/results/faq_blind.json and faq_blind.md.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from actions.fallback import likely_topics  # noqa: E402
from components.topic_doubt import FALLBACK, FAQ, doubtful, topic_scores  # noqa: E402
from tests.harness.paths import BLIND  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
OOS = "out_of_scope"
NOT_COVERED = "faq/not_covered"
SEVERAL = "several_questions"
# The figures every table of this benchmark (and benchmarks/systems_table.py) shows, in order.
COLUMNS = [
    "right topic",
    "wrong, confidently",
    "clarified, right among buttons",
    "out of scope refused",
    "not_covered honest",
    "cost",
]
COST = {"wrong": 1.0, "clarified_without": 0.5, "clarified_with": 0.3}
LEAD_INS = [
    "hi there, quick question before I book: ",
    "hello! sorry if this is a silly one but ",
    "hey, my friend told me about this and I was wondering ",
    "good morning, I hope you can help. ",
]


def load(half: str) -> list[dict[str, str]]:
    return yaml.safe_load((BLIND / f"faq_{half}.yml").read_text(encoding="utf-8"))["messages"]


def with_typos(text: str) -> str:
    """Swap two inner letters in about one word in five, the same way on every run."""
    rng = random.Random(hashlib.sha256(text.encode()).hexdigest())
    words = text.split(" ")
    for i, word in enumerate(words):
        if len(word) > 4 and word.isalpha() and rng.random() < 0.2:
            j = rng.randrange(1, len(word) - 2)
            words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    return " ".join(words)


def with_lead_in(text: str) -> str:
    lead = LEAD_INS[int(hashlib.sha256(text.encode()).hexdigest(), 16) % len(LEAD_INS)]
    return lead + text[:1].lower() + text[1:]


def answered(parse: dict[str, Any], settings: dict[str, Any] | None = None) -> str:
    """What the patient gets: 'faq/<topic>', an intent, nlu_fallback or out_of_scope.

    With `settings`, the topic-doubt step is replayed with them instead of the model's own."""
    intent = (parse.get("intent") or {}).get("name")
    doubt = parse.get("topic_doubt")
    if settings is not None and doubt and intent in (FAQ, FALLBACK):
        return FALLBACK if doubtful(doubt["confidence"], doubt["margin"], settings) else doubt["topic"]
    if intent == FAQ:
        return topic_scores(parse)[0] or FAQ
    return intent or FALLBACK


def outcome(label: str, got: str, buttons: list[str]) -> str:
    if label == OOS:  # nothing answered is what a patient asking something else should get
        return "refused" if got in (OOS, FALLBACK) else "wrong"
    if got == label:
        return "right"
    if got == FALLBACK:
        return "clarified_with" if label in buttons else "clarified_without"
    if got == OOS:
        return "refused"
    return "wrong"


def score(
    items: list[dict[str, str]], parses: list[dict[str, Any]], settings: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The project's figures: what each parse gives the patient, with the model's or replayed settings."""
    return score_answers(
        items, [(as_asked(item, answered(p, settings), p), likely_topics(p)) for item, p in zip(items, parses)]
    )


def as_asked(item: dict[str, str], got: str, parse: dict[str, Any]) -> str:
    """A message read as several questions gets an answer to each (components/message_parts.py): the
    patient has the answer they asked for when its topic is among them, else the first part's."""
    if got != SEVERAL:
        return got
    parts = [q.get("topic") or q.get("intent") or FALLBACK for q in parse.get("questions") or []]
    return item["label"] if item["label"] in parts else (parts[0] if parts else got)


def score_answers(items: list[dict[str, str]], answers: list[tuple[str, list[str]]]) -> dict[str, Any]:
    """Figures for any system: per message, the label it answered with (or nlu_fallback) and its buttons."""
    groups: dict[str, dict[str, int]] = {"faq topics": {}, NOT_COVERED: {}, OOS: {}, "other intents": {}}
    cost = 0.0
    for item, (got, buttons) in zip(items, answers):
        label = item["label"]
        result = outcome(label, got, buttons)
        group = (
            NOT_COVERED
            if label == NOT_COVERED
            else OOS
            if label == OOS
            else "faq topics"
            if label.startswith("faq/")
            else "other intents"
        )
        groups[group][result] = groups[group].get(result, 0) + 1
        if label != OOS:
            cost += COST.get(result, 0.0) if result != "refused" else 0.5
        elif result == "wrong":
            cost += COST["wrong"]
    out: dict[str, Any] = {"cost": round(cost, 1), "n": len(items)}
    for group, counts in groups.items():
        total = sum(counts.values())
        out[group] = {"n": total, **{k: round(v / total, 3) for k, v in sorted(counts.items())}} if total else {"n": 0}
    faq = groups["faq topics"]
    total = sum(faq.values()) or 1
    out["right topic"] = round(faq.get("right", 0) / total, 3)
    out["wrong, confidently"] = round(faq.get("wrong", 0) / total, 3)
    out["clarified, right among buttons"] = round(faq.get("clarified_with", 0) / total, 3)
    oos = groups[OOS]
    out["out of scope refused"] = round((oos.get("refused", 0)) / (sum(oos.values()) or 1), 3)
    nc = groups[NOT_COVERED]
    out["not_covered honest"] = round(nc.get("right", 0) / (sum(nc.values()) or 1), 3)
    return out


def peer_answers(
    items: list[dict[str, str]], train: list[tuple[str, str]] | None = None, encoders: dict[str, Any] | None = None
) -> dict[str, list[tuple[str, list[str]]]]:
    """What each FAQ bot a clinic could pick instead answers (label or nlu_fallback, and its buttons):
    nearest training question by TF-IDF and by MiniLM (benchmarks/baselines.py, threshold tuned on
    training folds), and a logistic regression on mean-pooled MiniLM plus word and character TF-IDF
    with a 0.5 probability floor (the issue's baseline to beat). Trained on `train` (default data/nlu);
    `encoders` as in baselines.tune_threshold."""

    from benchmarks.baselines import ENCODERS, decide, nearest, tune_threshold
    from tests.harness.nlu import load_examples

    encoders = encoders or ENCODERS
    train = train if train is not None else load_examples(ROOT / "data" / "nlu")
    texts, labels = [t for t, _ in train], [label for _, label in train]
    asked = [m["text"] for m in items]
    results: dict[str, list[tuple[str, list[str]]]] = {}
    encoded: dict[str, tuple[Any, Any]] = {}
    for kind in ("tfidf", "minilm"):
        threshold = tune_threshold(kind, texts, labels, encoders=encoders)
        encode = encoders[kind](texts)
        train_vecs, vecs = encode(texts), encode(asked)
        encoded[kind] = (train_vecs, vecs)
        got, sims = nearest(train_vecs, labels, vecs)
        results[f"nearest question, {kind}"] = [(g, []) for g in decide(got, sims, threshold)]
    results["logistic regression, MiniLM + TF-IDF, floor 0.5"] = regression_answers(
        encoded["minilm"][0], encoded["tfidf"][0], labels, encoded["minilm"][1], encoded["tfidf"][1]
    )
    return results


def regression_answers(
    train_meaning: Any, train_words: Any, labels: list[str], meaning: Any, words: Any, floor: float = 0.5
) -> list[tuple[str, list[str]]]:
    """The issue's baseline head: logistic regression (C=10) on a sentence embedding plus TF-IDF; its top
    label at `floor` or more, else "Did you mean…?", with its top three as buttons."""
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    train_x = sparse.hstack([sparse.csr_matrix(train_meaning), sparse.csr_matrix(train_words)]).tocsr()
    test_x = sparse.hstack([sparse.csr_matrix(meaning), sparse.csr_matrix(words)]).tocsr()
    model = LogisticRegression(C=10.0, max_iter=3000).fit(train_x, labels)
    answers = []
    for row in model.predict_proba(test_x):
        best = int(row.argmax())
        top = [str(model.classes_[i]) for i in row.argsort()[::-1][:3]]
        answers.append((str(model.classes_[best]) if row[best] >= floor else FALLBACK, top))
    return answers


def peers(items: list[dict[str, str]]) -> dict[str, dict[str, Any]]:
    """The peers' figures on `items`, trained on data/nlu (peer_answers)."""
    return {name: score_answers(items, answers) for name, answers in peer_answers(items).items()}


def choose(items: list[dict[str, str]], parses: list[dict[str, Any]]) -> dict[str, Any]:
    """The topic-doubt settings with the lowest patient cost on these messages (ties: fewer doubts)."""
    best: tuple[Any, dict[str, Any]] | None = None
    for answer_at in [round(0.05 * i, 2) for i in range(0, 19)]:
        for margin_at in [round(0.05 * i, 2) for i in range(0, 13)]:
            settings = {"answer_at": answer_at, "margin_at": margin_at}
            result = score(items, parses, settings)
            key = (-result["cost"], -answer_at, -margin_at)
            if best is None or key > best[0]:
                best = (key, {**settings, **result})
    assert best is not None  # the grid is not empty
    return best[1]


def topic_doubt_config() -> dict[str, Any]:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    found = [c for c in config["pipeline"] if c["name"].endswith("TopicDoubt")]
    return {k: found[0][k] for k in ("answer_at", "margin_at")} if found else {}


async def _parse_with(agent: Any, texts: list[str]) -> list[dict[str, Any]]:
    return [await agent.parse_message(t) for t in texts]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(ROOT / "models" / "clinic.tar.gz"))
    ap.add_argument("--no-peers", dest="peers", action="store_false", help="score the project only")
    ap.add_argument(
        "--peer-model",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="also score another trained model on the reporting half, e.g. "
        "'rasa default=models/rasa_default.tar.gz' (benchmarks/configs/rasa_default.yml)",
    )
    ap.add_argument("--results", default=str(RESULTS), help="where faq_blind.json and .md go")
    args = ap.parse_args()
    results_dir = Path(args.results)
    from rasa.core.agent import Agent

    agent = Agent.load(args.model)

    async def parse_all(texts: list[str]) -> list[dict[str, Any]]:
        return [await agent.parse_message(t) for t in texts]

    configured = topic_doubt_config()
    out: dict[str, Any] = {"model": Path(args.model).name, "config": configured}
    dev = load("dev")
    dev_parses = asyncio.run(parse_all([m["text"] for m in dev]))
    out["dev"] = score(dev, dev_parses)
    out["chosen_on_dev"] = choose(dev, dev_parses)
    report = load("report")
    variants = {"as written": lambda t: t, "lowercased": str.lower, "typos": with_typos, "chatty lead-in": with_lead_in}
    out["dev variants"] = {}
    for name in ("typos", "chatty lead-in"):
        parses = asyncio.run(parse_all([variants[name](m["text"]) for m in dev]))
        out["dev variants"][name] = score(dev, parses)
    out["report"] = {}
    for name, change in variants.items():
        parses = asyncio.run(parse_all([change(m["text"]) for m in report]))
        out["report"][name] = score(report, parses)
    if args.peers:
        out["peers"] = peers(report)
    for named in args.peer_model:
        name, path = named.split("=", 1)
        peer = Agent.load(path)
        out.setdefault("peers", {})[name] = score(report, asyncio.run(_parse_with(peer, [m["text"] for m in report])))
    columns = COLUMNS
    md = [
        "# Strangers' questions: the blind FAQ set",
        "",
        "Written by `benchmarks/faq_blind.py` (method in its docstring).",
        "",
        "| set | " + " | ".join(columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    rows = (
        [("development half", out["dev"])]
        + [(f"development half, {k}", v) for k, v in out["dev variants"].items()]
        + [(f"reporting half, {k}", v) for k, v in out["report"].items()]
    )
    for name, result in rows:
        md.append(f"| {name} (n={result['n']}) | " + " | ".join(str(result[c]) for c in columns) + " |")
    if out.get("peers"):
        md += [
            "",
            "Other systems, trained on the same `data/nlu`, on the reporting half as written:",
            "",
            "| system | " + " | ".join(columns) + " |",
            "|---|" + "---|" * len(columns),
            "| **project** | " + " | ".join(str(out["report"]["as written"][c]) for c in columns) + " |",
        ]
        for name, result in out["peers"].items():
            md.append(f"| {name} | " + " | ".join(str(result[c]) for c in columns) + " |")
    chosen = out["chosen_on_dev"]
    holds = configured and all(chosen[k] == configured[k] for k in ("answer_at", "margin_at"))
    md += [
        "",
        f"Topic doubt chosen on the development half: answer_at {chosen['answer_at']}, margin_at "
        f"{chosen['margin_at']} (cost {chosen['cost']}, right topic {chosen['right topic']}, wrong "
        f"{chosen['wrong, confidently']}); config.yml {'holds them' if holds else 'has ' + str(configured)}.",
    ]
    print("\n".join(md))
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "faq_blind.json").write_text(json.dumps(out, indent=2) + "\n")
    (results_dir / "faq_blind.md").write_text("\n".join(md) + "\n")


if __name__ == "__main__":
    main()
