"""Warning signs on the blind sets: recall per kind and benign escalation, side by side, in one run.

    .venv/bin/python benchmarks/safety.py [--model models/clinic.tar.gz] [--latency-rounds 3]

The blind sets (tests/blind/) were written by helpers who never saw data/ or the catalogue. Every
message is parsed once by the trained model; the systems below are then scored on the same parses:
  - project:      the assistant's decision (final intent report_adverse_reaction);
  - regex net:    the regular expressions of 2026-11-30 alone (benchmarks/baseline_nets/);
  - classifier alone: this model's intent before the warning-sign check;
  - meaning alone: the check's own readings at even odds (their geometric mean at 0.5), without the classifier.

Development and reporting: tests/blind/warning_sign_sets.yml says which set serves what (each set's
history is in tests/blind/README.md). The check's weights are fitted on the DEVELOPMENT sets
(`choose_weights`: the bar below every development report, by the margin that leaving each set out in
turn needs), the run says whether config.yml holds them, and the REPORTING sets, on which nothing is
tuned and whose messages are not read, are scored with config.yml's weights and with the refitted ones
side by side. The reserve is never scored here.

Latency: the same model parses the same messages with the check and with the check switched off
(its `process` replaced by a pass-through), in alternating rounds; the ratio of the p50s is the
check's cost. The regex net it replaced cost well under a millisecond, so "check off" stands for
the old parse.

Writes benchmarks/results/safety.json and safety.md.
"""

from __future__ import annotations

import asyncio
import functools
import json
import math
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.side_by_side import latency_with_and_without, parse_args  # noqa: E402
from components.report_decision import READINGS, REPORT_INTENT, decide, readings  # noqa: E402
from components.warning_signs import judged_in_its_time, kind_levels  # noqa: E402
from tests.harness.blind_sets import scored, with_status  # noqa: E402
from tests.harness.paths import BLIND, SAFETY_CASES  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
REGEX_NET = ROOT / "benchmarks" / "baseline_nets" / "regex_net_2026-11-30.yml"
REPORT = REPORT_INTENT
SETS = {s.key: s.label for s in scored()}  # tests/blind/warning_sign_sets.yml, in its order
DEVELOPMENT = tuple(s.key for s in with_status("development"))
STATUS = {s.key: s.status for s in scored()}
# How far below the lowest development report the weighed score's bar sits (in log-odds): the smallest
# with the fewest reports missed when each development set in turn is left out of the fit.
MARGINS = (0.0, 0.25, 0.5, 0.75, 1.0)
# A missed report weighs this many look-alikes in the fit (the bar is then set by the reports anyway).
REPORT_WEIGHT = 5.0
LEVEL_RANK: dict[str | None, int] = {"emergency": 0, "urgent": 1, "clinic": 2}


def load_half(name: str) -> list[dict[str, Any]]:
    """The half's messages: reports with kind and level, harmless ones with their category."""
    data = yaml.safe_load((BLIND / f"warning_signs_{name}.yml").read_text(encoding="utf-8"))
    return [{**r, "report": True} for r in data["reports"]] + [{**h, "report": False} for h in data["harmless"]]


def regex_net() -> list[re.Pattern]:
    patterns = yaml.safe_load(REGEX_NET.read_text(encoding="utf-8"))["report_patterns"]
    return [re.compile(p, re.IGNORECASE) for p in patterns]


def regex_flags(text: str, patterns: list[re.Pattern]) -> bool:
    lowered = re.sub(r"\s+", " ", text.lower().replace("’", "'"))
    return any(p.search(lowered) for p in patterns)


def check_config() -> dict[str, Any]:
    from components.warning_signs import WarningSignCheck

    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    return {
        **WarningSignCheck.get_default_config(),
        **next(c for c in config["pipeline"] if c["name"].endswith("WarningSignCheck")),
    }


def replay(parse: dict[str, Any], config: dict[str, Any], classifier: bool = True) -> bool:
    """Would the check call this a report with these settings? (components/warning_signs.process)
    classifier=False: the check's own readings alone, at even odds (their geometric mean at 0.5)."""
    found = parse.get("warning_sign") or {}
    if classifier:
        reported = decide(*decision_inputs(found), config["weights"], config["reader_also_for"])
    else:
        reported = found.get("report_probability", 0.0) >= 0.5
    if not reported:
        return False
    return not vetoed_in_time(parse, config)


def decision_inputs(found: dict[str, Any]) -> tuple[float, float | None, float, str | None, float]:
    """What components/report_decision.decide reads, from a parse's `warning_sign`."""
    return (
        found.get("networks", 0.0),
        found.get("reader"),
        found.get("intent_confidence", 0.0),
        found.get("classified_as"),
        max((found.get("kinds") or {}).values(), default=0.0),
    )


def vetoed_in_time(parse: dict[str, Any], config: dict[str, Any]) -> bool:
    """A report by the score that the time veto drops (the expected effect, hours after treatment)."""
    found = parse.get("warning_sign") or {}
    if found.get("level", "urgent") == "emergency":  # never timed: judged_in_its_time kept it
        return False
    # An urgent level may be a clinic-level reading lifted by urgent_share, which the time veto does not see:
    # judged again on the kinds the parse kept (its top three).
    kinds = tuple(sorted((found.get("kinds") or {}).items()))
    keys = ("expected_within_hours", "expected_kind_share", "level_share", "emergency_share", "urgent_share")
    return expected_effect(kinds, parse.get("text", ""), tuple(config[k] for k in keys))


@functools.cache
def expected_effect(kinds: tuple[tuple[str, float], ...], text: str, settings: tuple[float, ...]) -> bool:
    """judged_in_its_time on the kinds the parse kept (its top three), remembered: each fit and each left-out
    set asks about the same message again."""
    keys = ("expected_within_hours", "expected_kind_share", "level_share", "emergency_share", "urgent_share")
    return judged_in_its_time(dict(kinds), catalogue_levels(), text, dict(zip(keys, settings)))[0]


catalogue_levels = functools.cache(kind_levels)


def score(items: list[dict[str, Any]], flagged: list[bool], levels: list[str | None] | None = None) -> dict[str, Any]:
    """Recall per kind (reports that reached a report reply), benign escalation per category."""
    kinds: dict[str, list[bool]] = {}
    categories: dict[str, list[bool]] = {}
    under_triaged = []
    benign_to_urgent_care = 0  # look-alikes told to call the urgent line or the emergency number, not the clinic
    for item, hit, level in zip(items, flagged, levels or [None] * len(items)):
        if item["report"]:
            kinds.setdefault(item["kind"], []).append(hit)
            if levels is not None and hit and LEVEL_RANK.get(level, 1) > LEVEL_RANK[item["level"]]:
                under_triaged.append({"text": item["text"], "expected": item["level"], "got": level})
        else:
            categories.setdefault(item["category"], []).append(hit)
            benign_to_urgent_care += bool(hit and level in ("urgent", "emergency"))
    reports = [h for hits in kinds.values() for h in hits]
    benign = [h for hits in categories.values() for h in hits]
    result = {
        "recall": round(sum(reports) / len(reports), 4),
        "missed": len(reports) - sum(reports),
        "recall_per_kind": {k: round(sum(v) / len(v), 3) for k, v in sorted(kinds.items())},
        "benign_escalation": round(sum(benign) / len(benign), 4),
        "benign_escalated": sum(benign),
        "benign_total": len(benign),
        "escalation_per_category": {k: round(sum(v) / len(v), 3) for k, v in sorted(categories.items())},
    }
    if levels is not None:
        result["under_triaged"] = len(under_triaged)
        result["benign_to_urgent_care"] = benign_to_urgent_care
        result["under_triaged_examples"] = under_triaged[:10]
    return result


def kept_cases() -> list[tuple[str, bool]]:
    """The team's own cases and whether each is a report: tests/safety_cases.yml (open ones left out), and
    every patient message of the conversation tests (tests/stories/), a report where its story says so."""
    cases = yaml.safe_load(SAFETY_CASES.read_text(encoding="utf-8"))
    kept = [(text, True) for text in cases["reports"] + cases["airway"]]
    kept += [(text, False) for text in cases["not_reports"]]
    for path in sorted((ROOT / "tests" / "stories").glob("*.yml")):
        for story in yaml.safe_load(path.read_text(encoding="utf-8"))["stories"]:
            for step in story["steps"]:
                if "user" in step and not step["user"].strip().startswith("/"):  # "/intent" skips the model
                    kept.append((step["user"].strip(), step.get("intent") == REPORT))
    return kept


Labelled = Sequence[tuple[dict[str, Any], bool]]  # (a parse, is it a report?)


def labelled(items: list[dict[str, Any]], parses: list[dict[str, Any]]) -> list[tuple[dict[str, Any], bool]]:
    return [(p, i["report"]) for i, p in zip(items, parses)]


def read_for_fit(rows: Labelled, config: dict[str, Any]) -> tuple[list[list[float]], list[bool], list[bool]]:
    """The readings of the messages read twice (no other can be a report: a report not read twice is
    missed whatever the weights, and `not_read_twice` counts them), whether each is a report, and
    whether it would stand the time veto (a report it drops cannot count for the bar; a look-alike it
    drops is not escalated)."""
    features, reports, stands = [], [], []
    for parse, is_report in rows:
        networks, reader, confidence, top, clearest = decision_inputs(parse.get("warning_sign") or {})
        if reader is None:
            continue
        read = readings(networks, reader, confidence, top, clearest, config["reader_also_for"])
        features.append([read[name] for name in READINGS])
        reports.append(is_report)
        stands.append(not vetoed_in_time(parse, config))
    return features, reports, stands


def not_read_twice(rows: Labelled) -> int:
    """Reports the check did not read twice: no weights can catch them (only a lower `reader_from`)."""
    return sum(1 for parse, is_report in rows if is_report and (parse.get("warning_sign") or {}).get("reader") is None)


def fit_weights(rows: Labelled, config: dict[str, Any], margin: float, kept: Labelled = ()) -> dict[str, float]:
    """A logistic regression of report-or-not on the readings (a missed report weighs REPORT_WEIGHT
    look-alikes), its weights rounded to two places; the constant then puts the bar `margin` below the
    lowest report (rounded towards catching it): every report of `rows` and `kept` that was read twice and
    stands the time veto is caught, whatever the fit's own intercept says. The team's own cases (`kept`)
    weigh as much as any message, and one of their look-alikes still escalated weighs twice as much in the next fit,
    for at most eight fits (the tests require every one; choose_weights reports how many are right).
    Fitted with scikit-learn, which Rasa itself depends on."""
    from sklearn.linear_model import LogisticRegression

    features, reports, stands = read_for_fit(list(rows) + list(kept), config)
    count = [r and s for r, s in zip(reports, stands)]
    # the team's cases come after the blind sets' messages read twice (read_for_fit keeps only those)
    team = sum(1 for parse, _ in rows if (parse.get("warning_sign") or {}).get("reader") is not None)
    boost = [1.0] * len(features)
    for _ in range(8):
        fit = LogisticRegression(C=1.0, max_iter=5000, class_weight={True: REPORT_WEIGHT, False: 1.0})
        fit.fit(features, reports, sample_weight=boost)
        weights = {name: round(float(w), 2) for name, w in zip(READINGS, fit.coef_[0])}
        scores = [sum(weights[n] * x for n, x in zip(READINGS, f)) for f in features]
        constant = math.ceil((margin - min(s for s, c in zip(scores, count) if c)) * 100) / 100
        # a look-alike of the team's that the time veto drops is not escalated: nothing to boost
        wrong = [i for i in range(team, len(features)) if not reports[i] and stands[i] and scores[i] + constant >= 0.0]
        if not wrong:
            break
        for i in wrong:
            boost[i] *= 2.0
    return {"constant": constant, **weights}


def choose_weights(
    sets: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]],
    config: dict[str, Any],
    kept: Labelled = (),
) -> dict[str, Any]:
    """On the development sets (name: items and parses): the margin first, out of sample (each set in turn
    left out of the fit and scored, with the team's own cases always in it): the smallest margin with the
    fewest reports missed, a missed warning sign being the one failure a clinic cannot accept. Then the
    weights, fitted on every development set with that margin. The team's own cases (tests/safety_cases.yml
    and the conversation tests' messages) are in every fit, and their reports set the bar too."""
    out_of_sample = {m: {"missed": 0, "benign_escalated": 0} for m in MARGINS}
    for left_out, (items, parses) in sets.items():
        rows = [row for name, (i, p) in sets.items() if name != left_out for row in labelled(i, p)]
        for m in MARGINS:  # fitted at each margin, as the final fit is (the team's cases it boosts depend on it)
            settings = {**config, "weights": fit_weights(rows, config, m, kept)}
            result = score(items, [replay(p, settings) for p in parses])
            out_of_sample[m]["missed"] += result["missed"]
            out_of_sample[m]["benign_escalated"] += result["benign_escalated"]
    margin = min(MARGINS, key=lambda m: (out_of_sample[m]["missed"], m))
    items = [item for set_items, _ in sets.values() for item in set_items]
    parses = [parse for _, set_parses in sets.values() for parse in set_parses]
    weights = fit_weights(labelled(items, parses), config, margin, kept)
    settings = {**config, "weights": weights}
    kept_right = sum(replay(p, settings) == is_report for p, is_report in kept)
    return {
        "weights": weights,
        "margin": margin,
        "left_out_in_turn": {str(m): r for m, r in out_of_sample.items()},
        **score(items, [replay(p, settings) for p in parses]),
        "kept_right": kept_right,
        "kept_total": len(kept),
        "reports_not_read_twice": not_read_twice(labelled(items, parses)),
    }


async def parse_all(agent: Any, texts: list[str]) -> list[dict[str, Any]]:
    return [await agent.parse_message(text) for text in texts]


def latency(agent: Any, texts: list[str], rounds: int) -> dict[str, Any]:
    """p50 parse time with the check and with it switched off, alternating rounds on the same texts."""
    from components.warning_signs import WarningSignCheck

    return latency_with_and_without(agent, WarningSignCheck, texts, rounds)


def table(rows: dict[str, dict[str, Any]], kinds: list[str]) -> list[str]:
    names = list(rows)
    lines = ["| | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    lines.append("| **recall, all reports** | " + " | ".join(f"**{rows[n]['recall']:.3f}**" for n in names) + " |")
    for kind in kinds:
        lines.append(f"| {kind} | " + " | ".join(f"{rows[n]['recall_per_kind'][kind]:.2f}" for n in names) + " |")
    lines.append(
        "| **benign escalated** | "
        + " | ".join(
            f"**{rows[n]['benign_escalated']}/{rows[n]['benign_total']} ({rows[n]['benign_escalation']:.3f})**"
            for n in names
        )
        + " |"
    )
    return lines


def main() -> None:
    args = parse_args(__doc__, RESULTS, "safety.json and .md")
    results = Path(args.results)

    from rasa.core.agent import Agent

    agent = Agent.load(args.model)
    config, patterns = check_config(), regex_net()
    settings = (
        "weights",
        "reader_also_for",
        "level_share",
        "emergency_share",
        "urgent_share",
        "expected_within_hours",
    )
    out: dict[str, Any] = {"model": Path(args.model).name, "config": {k: config[k] for k in settings}}
    md = [
        "# Warning signs on the blind set",
        "",
        "Written by `benchmarks/safety.py` (method in its docstring). Blind set: `tests/blind/` (a helper "
        "who never saw data/ or the catalogue). Recall = reports that got a report reply; benign escalated = "
        "harmless look-alikes that got one.",
        "",
    ]
    all_texts: list[str] = []
    development: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}
    for half in SETS:
        items = load_half(half)
        texts = [i["text"] for i in items]
        all_texts += texts
        parses = asyncio.run(parse_all(agent, texts))
        final = [(p.get("intent") or {}).get("name") == REPORT for p in parses]
        levels = [(p.get("warning_sign") or {}).get("level") if f else None for p, f in zip(parses, final)]
        rows = {
            "project": score(items, final, levels),
            **(
                {
                    "project, settings chosen on development (replayed)": score(
                        items,
                        [
                            replay(
                                p,
                                {
                                    **config,
                                    "weights": out["chosen_on_development"]["weights"],
                                },
                            )
                            for p in parses
                        ],
                    )
                }
                if half not in DEVELOPMENT and "chosen_on_development" in out
                else {}
            ),
            "regex net (2026-11-30)": score(items, [regex_flags(t, patterns) for t in texts]),
            "classifier alone": score(
                items, [(p.get("warning_sign") or {}).get("classified_as") == REPORT for p in parses]
            ),
            "meaning alone": score(items, [replay(p, config, classifier=False) for p in parses]),
        }
        # The set's label and status as they stood for this run (make_readme prints them, not today's).
        half_out: dict[str, Any] = {"label": SETS[half], "status": STATUS[half], "systems": rows}
        if half in DEVELOPMENT:
            development[half] = (items, parses)
        half_out["missed"] = [
            {"kind": i["kind"], "text": i["text"], "warning_sign": p.get("warning_sign")}
            for i, p, f in zip(items, parses, final)
            if i["report"] and not f
        ]
        half_out["escalated"] = [
            {"category": i["category"], "text": i["text"], "warning_sign": p.get("warning_sign")}
            for i, p, f in zip(items, parses, final)
            if not i["report"] and f
        ]
        out[half] = half_out
        kinds = sorted({i["kind"] for i in items if i["report"]})
        title = SETS[half]
        md += [f"## {title}", ""] + table(rows, kinds)
        project = rows["project"]
        md += [
            "",
            f"Project: {project['under_triaged']} reports got a lower level than their kind's; of the "
            f"{project['benign_escalated']} look-alikes escalated, {project['benign_to_urgent_care']} were sent to "
            "the urgent line or the emergency number (the others: call the clinic in opening hours).",
        ]
        md.append("")
        print("\n".join(md[-(len(kinds) + 8) :]))
        if half == DEVELOPMENT[-1]:
            cases = kept_cases()
            kept = list(zip(asyncio.run(parse_all(agent, [text for text, _ in cases])), [r for _, r in cases]))
            chosen = choose_weights(development, config, kept)
            out["chosen_on_development"] = chosen
            holds = chosen["weights"] == config["weights"]
            sample = chosen["left_out_in_turn"][str(chosen["margin"])]
            md += [
                f"**Fitted on the development sets together** ({chosen['benign_total']} look-alikes): weights "
                + ", ".join(f"{k} {v}" for k, v in chosen["weights"].items())
                + f"; the bar {chosen['margin']} below the lowest report (recall {chosen['recall']:.3f}, benign "
                f"{chosen['benign_escalation']:.3f}; each set in turn left out: {sample['missed']} missed, "
                f"{sample['benign_escalated']} look-alikes; the team's own cases (tests/safety_cases.yml, "
                f"tests/stories/) read right: {chosen['kept_right']}/{chosen['kept_total']}"
                + ("" if chosen["kept_right"] == chosen["kept_total"] else ", NOT ALL: the tests will fail")
                + f"; reports not read twice: {chosen['reports_not_read_twice']}); config.yml "
                + ("holds them." if holds else f"differs: {config['weights']}."),
                "",
            ]
            print(md[-2])
    if args.latency_rounds:
        out["latency"] = latency(agent, all_texts, args.latency_rounds)
        lat = out["latency"]
        md += [
            "## Parse latency, side by side",
            "",
            f"Same model, same {lat['messages']} messages, {lat['rounds']} alternating rounds: p50 "
            f"{lat['p50_ms']['with check']} ms with the check, {lat['p50_ms']['check off']} ms with it off "
            f"(ratio x{lat['ratio']}); p95 {lat['p95_ms']['with check']} ms and {lat['p95_ms']['check off']} ms.",
        ]
        print(md[-1])
    results.mkdir(parents=True, exist_ok=True)
    (results / "safety.json").write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    (results / "safety.md").write_text("\n".join(md) + "\n")
    print(f"wrote {results / 'safety.json'} and safety.md")


if __name__ == "__main__":
    main()
