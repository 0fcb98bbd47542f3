"""Rewrite the current figures in benchmarks/README.md from the results files, so they cannot drift.

The region between `<!-- generated:start -->` and `<!-- generated:end -->` is replaced by tables built
from benchmarks/results/: the tables the benchmarks already write to their *.md files are copied
(titles and "Written by" lines left out, headings moved down a level), and the results that exist only
as JSON (cross-validation, the fallback curve's pick, the lock race, the warning-sign summary) are
turned into tables here. Everything outside the markers is written by hand and left alone. The output
depends only on the results files (and, for safety results older than the sets' labels in them,
tests/blind/warning_sign_sets.yml), never on dates, machines or the git history, so
tests/test_benchmarks_readme.py can check that the committed README is up to date.

    .venv/bin/python benchmarks/make_readme.py [--results DIR] [--readme FILE] [--check]   (make bench-readme)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "benchmarks" / "README.md"
START = "<!-- generated:start -->"
END = "<!-- generated:end -->"

sys.path.insert(0, str(ROOT))
from tests.harness.blind_sets import scored  # noqa: E402  (YAML only: no TensorFlow here)

# The warning-sign sets' labels for results written before safety.json carried each set's own label and status
# (2026-12-07 evening); newer results are labelled as their run found them.
SAFETY_SETS = {s.key: (s.label, s.status) for s in scored()}


def safety_label(key: str, entry: dict) -> str:
    label, status = (entry["label"], entry["status"]) if "label" in entry else SAFETY_SETS[key]
    return f"**{label}**" if status == "reporting" else label


def md_body(path: Path) -> str:
    """A results .md without its title and "Written by" line; its headings one level down (####)."""
    lines = path.read_text(encoding="utf-8").strip("\n").splitlines()
    out: list[str] = []
    for i, line in enumerate(lines):
        if i == 0 and line.startswith("# "):
            continue
        if line.startswith("Written by `benchmarks/"):
            continue
        if line.startswith("#"):
            line = "####" + line.lstrip("#")
        out.append(line)
    text = "\n".join(out).strip("\n")
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


def load(results: Path, name: str) -> dict | None:
    path = results / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def f3(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def safety(results: Path) -> str | None:
    data = load(results, "safety.json")
    if data is None:
        return None
    keys = [k for k, v in data.items() if isinstance(v, dict) and "systems" in v]
    systems: list[str] = []
    for k in keys:
        systems += [s for s in data[k]["systems"] if s not in systems]
    rows = []
    for k in keys:
        row = [safety_label(k, data[k])]
        for s in systems:
            x = data[k]["systems"].get(s)
            row.append(
                ""
                if x is None
                else f"{x['recall']:.3f} / {x['benign_escalated']}/{x['benign_total']} ({x['benign_escalation']:.3f})"
            )
        rows.append(row)
    parts = [
        "Reports reaching a report reply (recall) / harmless look-alikes escalated, per blind set "
        "(per kind: `results/safety.md`).",
        "",
        table(["set"] + systems, rows),
    ]
    chosen = data.get("chosen_on_development")
    if chosen and "weights" in chosen:  # results written before 2026-12-06 chose thresholds, not weights
        sample = chosen["left_out_in_turn"][str(chosen["margin"])]
        parts += [
            "",
            f"Weights fitted on the development sets together ({chosen['benign_total']} look-alikes), the bar "
            f"{chosen['margin']} below the lowest report: "
            + ", ".join(f"{k} {v}" for k, v in chosen["weights"].items())
            + f" (recall {chosen['recall']:.3f}, look-alikes escalated {chosen['benign_escalation']:.3f}; each set "
            f"left out of the fit in turn: {sample['missed']} missed, {sample['benign_escalated']} look-alikes); "
            "config.yml "
            + ("holds them." if chosen["weights"] == data.get("config", {}).get("weights") else "differs."),
        ]
    lat = data.get("latency")
    if lat:
        parts += [
            "",
            f"Parse p50, same model, {lat['messages']} messages, {lat['rounds']} alternating round(s): "
            f"{lat['p50_ms']['with check']} ms with the check, {lat['p50_ms']['check off']} ms with it off "
            f"(x{lat['ratio']}).",
        ]
    return "\n".join(parts)


def cross_validation(results: Path) -> str | None:
    cv = load(results, "cross_validation.json")
    if cv is None:
        return None
    rows = [
        [
            "as deployed when it ran",
            f3(cv.get("accuracy")),
            f3(cv.get("macro_f1")),
            f3(cv.get("faq_accuracy")),
            f3(cv.get("out_of_scope_recall")),
            f3(cv.get("false_fallback_rate")),
        ]
    ]
    best = cv.get("with_chosen_settings")
    if best:
        rows.append(
            [
                f"fallback curve's pick ({settings(best)})",
                f3(best.get("accuracy")),
                f3(best.get("macro_f1")),
                "–",
                f3(best.get("out_of_scope_recall")),
                f3(best.get("false_fallback_rate")),
            ]
        )
    spread = cv.get("accuracy_fold_spread")
    text = (
        f"{cv.get('folds_run', cv.get('folds'))} folds of {cv.get('examples')} training examples, "
        f"{cv.get('minutes')} min" + (f"; accuracy per fold {spread[0]:.3f}-{spread[1]:.3f}" if spread else "") + "."
    )
    weakest = cv.get("weakest_labels")
    parts = [
        text,
        "",
        table(["settings", "accuracy", "macro-F1", "FAQ accuracy", "out-of-scope recall", "false fallback"], rows),
    ]
    if weakest:
        parts += ["", "Weakest labels (F1): " + ", ".join(f"{label} {f1:.2f}" for label, f1 in weakest) + "."]
    return "\n".join(parts)


def settings(p: dict) -> str:
    margin = "off" if p.get("out_of_scope_margin") is None else f"{p['out_of_scope_margin']:.2f}"
    return (
        f"threshold {p['threshold']:.2f} / ambiguity {p['ambiguity']:.2f}, "
        f"unfamiliar below {p['unfamiliar_below']:.2f} / margin {margin}"
    )


def fallback_curve(results: Path) -> str | None:
    curve = load(results, "fallback_curve.json")
    if curve is None:
        return None
    best = curve["chosen"]
    return "\n".join(
        [
            f"Replayed over the out-of-fold predictions ({curve.get('source')}); {len(curve['points'])} points kept "
            "in `results/fallback_curve.json`, the rows around the pick in `results/fallback_curve.md`.",
            "",
            table(
                [
                    "lowest patient cost at false fallback ≤ the cap",
                    "accuracy",
                    "out-of-scope recall",
                    "false fallback",
                    "patient cost",
                ],
                [
                    [
                        settings(best),
                        f3(best["accuracy"]),
                        f3(best["out_of_scope_recall"]),
                        f3(best["false_fallback_rate"]),
                        f3(best["patient_cost"]),
                    ]
                ],
            ),
        ]
    )


def lock_race(results: Path) -> str | None:
    data = load(results, "lock_race.json")
    if data is None:
        return None
    names = {
        "rasa_redis_lock_store": "Rasa's RedisLockStore",
        "atomic_redis_lock_store": "ours (components/lock_store.py)",
    }
    rows = [
        [
            names.get(k, k),
            str(s["runs"]),
            f"{s['processed']} / {s['messages']}",
            str(s["runs_with_two_inside"]),
            str(s["most_inside_at_once"]),
            str(s["failed_messages"]),
        ]
        for k, s in data["summary"].items()
    ]
    replicas = {r["replicas"] for runs in data.get("runs", {}).values() for r in runs}
    return "\n".join(
        [
            f"Replicas taking one conversation's lock: {', '.join(map(str, sorted(replicas)))}.",
            "",
            table(
                [
                    "lock store",
                    "runs",
                    "messages processed",
                    "runs with two inside",
                    "most inside at once",
                    "failed messages",
                ],
                rows,
            ),
        ]
    )


def copied(name: str) -> Callable[[Path], str | None]:
    def section(results: Path) -> str | None:
        path = results / name
        return md_body(path) if path.exists() else None

    return section


def pipelines(results: Path) -> str | None:
    parts = []
    for name, what in (("pipelines", "All systems in one run"), ("pipelines_final", "The final config.yml, alone")):
        data = load(results, f"{name}.json")
        if (results / f"{name}.md").exists():
            notes = [f"`results/{name}.md`"] + [
                f"{data[k]}" if k == "date" else f"scored on `{data[k]}`"
                for k in ("date", "eval")
                if data and data.get(k)
            ]
            parts += [f"{what} ({', '.join(notes)}):", "", md_body(results / f"{name}.md"), ""]
    return "\n".join(parts).strip("\n") or None


# (heading, results files it comes from, how it is built), in the order of the methods above the markers.
SECTIONS = [
    (
        "Pipelines side by side on the held-out file (`make bench`)",
        ["pipelines.md", "pipelines.json", "pipelines_final.md", "pipelines_final.json"],
        pipelines,
    ),
    ("Cross-validation", ["cross_validation.json"], cross_validation),
    ("Fallback curve", ["fallback_curve.json", "fallback_curve.md"], fallback_curve),
    ("Warning signs (`make bench-safety`)", ["safety.json", "safety.md"], safety),
    ("The seeds' luck (`make bench-seeds`)", ["seed_spread.md", "seed_spread.json"], copied("seed_spread.md")),
    (
        "Strangers' questions, the blind FAQ set (`make bench-faq`)",
        ["faq_blind.md", "faq_blind.json"],
        copied("faq_blind.md"),
    ),
    (
        "MiniLM fine-tuned on the project's examples (`benchmarks/contrastive_peer.py`)",
        ["contrastive_peer.md", "contrastive_peer.json"],
        copied("contrastive_peer.md"),
    ),
    ("Other languages (`make bench-languages`)", ["languages.md", "languages.json"], copied("languages.md")),
    (
        "Several questions in one message (`make bench-parts`)",
        ["message_parts.md", "message_parts.json"],
        copied("message_parts.md"),
    ),
    ("Serving load (`make bench-load`)", ["load.md", "load.json"], copied("load.md")),
    (
        'NLU in a worker thread (`make bench-load ARGS="--compare-nlu-thread 3"`)',
        ["load_nlu_thread.md", "load_nlu_thread.json"],
        copied("load_nlu_thread.md"),
    ),
    ("Replicas behind nginx (`make bench-scale`)", ["scale_load.md", "scale_load.json"], copied("scale_load.md")),
    ("Lock race (`benchmarks/lock_race.py`)", ["lock_race.json"], lock_race),
]


def generated(results: Path) -> str:
    parts = [
        "*Generated by `benchmarks/make_readme.py` (`make bench-readme`) from `benchmarks/results/`: "
        "do not edit by hand. Each file's date is its last commit "
        "(`git log -1 --format=%ad -- benchmarks/results/FILE`).*"
    ]
    used = set()
    for heading, files, build in SECTIONS:
        used.update(files)
        body = build(results)
        if body is None:
            continue
        present = [f for f in files if (results / f).exists()]
        parts += ["", f"### {heading}", "", "From " + ", ".join(f"`results/{f}`" for f in present) + ".", "", body]
    others = sorted(p.name for p in results.iterdir() if p.is_file() and p.name not in used)
    if others:
        parts += ["", "### Other results files", "", "\n".join(f"* `results/{name}`" for name in others)]
    return "\n".join(parts)


def rewrite(readme: str, body: str) -> str:
    if readme.count(START) != 1 or readme.count(END) != 1 or readme.index(START) > readme.index(END):
        raise SystemExit(f"the README needs exactly one {START} ... {END} region")
    head, rest = readme.split(START)
    _, tail = rest.split(END)
    return f"{head}{START}\n{body}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=Path, default=RESULTS)
    ap.add_argument("--readme", type=Path, default=README)
    ap.add_argument("--check", action="store_true", help="change nothing; exit 1 when the README is out of date")
    args = ap.parse_args(argv)
    old = args.readme.read_text(encoding="utf-8")
    new = rewrite(old, generated(args.results))
    if args.check:
        if new != old:
            print(f"{args.readme} is out of date: run make bench-readme", file=sys.stderr)
            return 1
        return 0
    if new != old:
        args.readme.write_text(new, encoding="utf-8")
        print(f"rewrote the generated figures in {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
