"""How much of the warning-sign figures is the seeds' luck: the same data and code, two draws, side by side.

    .venv/bin/python benchmarks/seed_spread.py [--model models/clinic.tar.gz] [--other-model M] [--offset 10]

The warning-sign check's bar sits below the lowest development report (benchmarks/safety.py
`choose_weights`), so its look-alike figure follows whichever hard report a training happens to read
lowest. Its networks and readers start from seeds (`seed_offset` in config.yml's WarningSignCheck, 0 in
the shipped model); the intent classifier is deterministic. This benchmark takes the shipped model as
one draw and a model trained with `seed_offset` --offset as the other (trained here into a temporary
folder, about 11 minutes on 2 cores, unless --other-model names one), parses the development and the
reporting blind sets with each, chooses the weights on the development sets as `make bench-safety` does,
and replays them on the reporting sets. A third row joins both draws as one ensemble, offline (their
networks' and readers' readings averaged in log-odds, their kind probabilities averaged): roughly what
twice the seeds in one model would read.

Why it exists: on 2026-12-06 a candidate (more numbing-cream phrasings) was held back for 26 against 15
reporting look-alikes, on one draw each; the shipped data and code with other seeds gave 28. Candidates
are to be compared on two draws each, on the development sets.

Writes counts only (no blind message) to benchmarks/results/seed_spread.json and seed_spread.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks import safety  # noqa: E402
from components.report_decision import log_odds  # noqa: E402
from tests.harness.paths import MODEL  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
CHECK = "WarningSignCheck"
Parsed = dict[str, Any]  # {"sets": {name: [{"item", "parse"}]}, "kept": [{"is_report", "parse"}]}


def train_other(offset: int, out: Path) -> Path:
    """`rasa train` with config.yml as it is but the check's `seed_offset`."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    entry = next(c for c in config["pipeline"] if c["name"].endswith(CHECK))
    entry["seed_offset"] = offset
    path = out / "config.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    rasa = Path(sys.executable).with_name("rasa")
    command = [str(rasa), "train", "--config", str(path), "--domain", "domain.yml", "--data", "data"]
    command += ["--out", str(out), "--fixed-model-name", f"seeds_from_{offset}"]
    subprocess.run(command, cwd=ROOT, check=True)
    return out / f"seeds_from_{offset}.tar.gz"


def parse_sets(model: str, names: list[str]) -> Parsed:
    """Every message of the named sets and the team's own cases, parsed once by `model`."""
    from rasa.core.agent import Agent

    agent = Agent.load(model)

    def parsed(texts: list[str]) -> list[dict[str, Any]]:
        keep = ("text", "intent", "warning_sign")
        return [{k: p.get(k) for k in keep} for p in asyncio.run(safety.parse_all(agent, texts))]

    sets = {}
    for name in names:
        items = safety.load_half(name)
        sets[name] = [{"item": i, "parse": p} for i, p in zip(items, parsed([i["text"] for i in items]))]
    cases = safety.kept_cases()
    kept = [{"is_report": r, "parse": p} for (_, r), p in zip(cases, parsed([t for t, _ in cases]))]
    return {"sets": sets, "kept": kept}


def mean_in_log_odds(probabilities: list[float]) -> float:
    """As the check averages its seeds' readings."""
    mean = sum(map(log_odds, probabilities)) / len(probabilities)
    return 1.0 / (1.0 + math.exp(-mean))


def as_one_ensemble(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """One message's parse as if both draws' networks and readers were one ensemble. A message read twice in
    one draw only keeps that draw's reader reading (the other draw did not ask its readers)."""
    wa, wb = a.get("warning_sign"), b.get("warning_sign")
    if not wa or not wb:
        return a
    mean = {**wa, "networks": mean_in_log_odds([wa["networks"], wb["networks"]])}
    readers = [r for r in (wa.get("reader"), wb.get("reader")) if r is not None]
    mean["reader"] = mean_in_log_odds(readers) if readers else None
    kinds_a, kinds_b = wa.get("kinds") or {}, wb.get("kinds") or {}
    mean["kinds"] = {k: (kinds_a.get(k, 0.0) + kinds_b.get(k, 0.0)) / 2 for k in set(kinds_a) | set(kinds_b)}
    return {**a, "warning_sign": mean}


def joined(a: Parsed, b: Parsed) -> Parsed:
    sets = {
        name: [{**x, "parse": as_one_ensemble(x["parse"], y["parse"])} for x, y in zip(rows, b["sets"][name])]
        for name, rows in a["sets"].items()
    }
    kept = [{**x, "parse": as_one_ensemble(x["parse"], y["parse"])} for x, y in zip(a["kept"], b["kept"])]
    return {"sets": sets, "kept": kept}


def figures(parsed: Parsed, config: dict[str, Any]) -> dict[str, Any]:
    """Weights chosen on the development sets, then replayed on every other set: counts and missed kinds."""
    development = {
        name: ([r["item"] for r in rows], [r["parse"] for r in rows])
        for name, rows in parsed["sets"].items()
        if name in safety.DEVELOPMENT
    }
    kept = [(k["parse"], k["is_report"]) for k in parsed["kept"]]
    chosen = safety.choose_weights(development, config, kept)
    settings = {**config, "weights": chosen["weights"]}
    reporting = {}
    for name, rows in parsed["sets"].items():
        if name in safety.DEVELOPMENT:
            continue
        caught = [safety.replay(r["parse"], settings) for r in rows]
        result = safety.score([r["item"] for r in rows], caught)
        reporting[name] = {
            "missed": result["missed"],
            "missed_kinds": sorted(r["item"]["kind"] for r, c in zip(rows, caught) if r["item"]["report"] and not c),
            "benign_escalated": result["benign_escalated"],
            "benign_total": result["benign_total"],
        }
    return {
        "development": {
            "weights": chosen["weights"],
            "margin": chosen["margin"],
            "benign_escalated": chosen["benign_escalated"],
            "benign_total": chosen["benign_total"],
            "missed_out_of_sample": chosen["left_out_in_turn"][str(chosen["margin"])]["missed"],
        },
        "reporting": reporting,
        "reporting_missed": sum(r["missed"] for r in reporting.values()),
        "reporting_benign_escalated": sum(r["benign_escalated"] for r in reporting.values()),
        "reporting_benign_total": sum(r["benign_total"] for r in reporting.values()),
    }


def markdown(rows: dict[str, dict[str, Any]]) -> list[str]:
    names = list(next(iter(rows.values()))["reporting"])
    lines = [
        "# The seeds' luck in the warning-sign figures",
        "",
        "Written by `benchmarks/seed_spread.py` (method in its docstring). Weights chosen on the development "
        "sets for each draw, then replayed on the reporting sets.",
        "",
        "| draw | development look-alikes | margin | missed out of sample | reporting look-alikes | reporting missed | "
        + " | ".join(names)
        + " |",
        "|---" * (6 + len(names)) + "|",
    ]
    for draw, r in rows.items():
        d = r["development"]
        per_set = [
            f"{s['benign_escalated']}/{s['benign_total']}" + (f", {s['missed']} missed" if s["missed"] else "")
            for s in r["reporting"].values()
        ]
        lines.append(
            f"| {draw} | {d['benign_escalated']}/{d['benign_total']} | {d['margin']} | {d['missed_out_of_sample']} | "
            f"{r['reporting_benign_escalated']}/{r['reporting_benign_total']} | {r['reporting_missed']} | "
            + " | ".join(per_set)
            + " |"
        )
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(MODEL), help="the shipped draw (seed_offset 0)")
    ap.add_argument("--other-model", help="a model trained with --offset; trained here when not given")
    ap.add_argument("--offset", type=int, default=10)
    ap.add_argument("--results", default=str(RESULTS))
    args = ap.parse_args()
    names = list(safety.SETS)
    config = safety.check_config()
    with tempfile.TemporaryDirectory() as tmp:
        other = args.other_model or str(train_other(args.offset, Path(tmp)))
        draws = {"shipped (seeds from 0)": parse_sets(args.model, names)}
        draws[f"seeds from {args.offset}"] = parse_sets(other, names)
    a, b = draws.values()
    draws["both draws as one ensemble (offline)"] = joined(a, b)
    rows = {draw: figures(parsed, config) for draw, parsed in draws.items()}
    md = markdown(rows)
    print("\n".join(md))
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    out = {"model": Path(args.model).name, "other_model": Path(other).name, "offset": args.offset, "draws": rows}
    (results / "seed_spread.json").write_text(json.dumps(out, indent=2) + "\n")
    (results / "seed_spread.md").write_text("\n".join(md) + "\n")
    print(f"wrote {results / 'seed_spread.json'} and seed_spread.md")


if __name__ == "__main__":
    main()
