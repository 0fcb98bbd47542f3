"""Messages in other languages, as a patient would notice them: the blind language set (issue 18).

tests/blind/languages_{dev,report}.yml: short chat messages in eleven languages and English traps,
written by a helper who saw no project data, split per language and kind (even SHA-256 places:
development). The trained model parses each message as the Rasa server would, and each counts as:
  - English messages: answered as English (not given the other-language notice);
  - other languages: detected as another language (any), as the right one, and, above all, never
    answered with an English FAQ answer;
  - warning signs in any language: reach urgent care (`report_adverse_reaction`);
  - questions and greetings in other languages: escalated to urgent care when they name no warning sign
    (the urgent texts say "if this is happening now", so a false alarm costs little, but it is counted).

The detector's two settings (components/other_languages.py: lingua's margin over English and the
share of words known from the English training data) are chosen on the DEVELOPMENT half: no English
message taken for another language first, then the most messages in the right language. The run says
whether config.yml holds them. The REPORTING half is scored with config.yml's settings.

Latency: the same model parses the same messages with the check and with it switched off, in
alternating rounds; the ratio of the p50s is its cost.

Writes benchmarks/results/languages.json and languages.md.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.side_by_side import latency_with_and_without, parse_args  # noqa: E402
from components.other_languages import decide  # noqa: E402
from tests.harness.paths import BLIND  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
REPORT = "report_adverse_reaction"
MARGINS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
KNOWN_BELOW = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.01]


def load(half: str) -> list[dict[str, str]]:
    return yaml.safe_load((BLIND / f"languages_{half}.yml").read_text(encoding="utf-8"))["messages"]


def language_of(parse: dict[str, Any], settings: dict[str, float] | None = None) -> str:
    """The language the model gave, or with `settings` the replayed decision."""
    found = parse.get("language") or {}
    if settings is None or found.get("by") != "lingua":
        return found.get("code", "en")
    return decide(
        found["confidences"], found["known_share"], settings["margin_over_english"], settings["known_words_below"]
    )


def score(
    items: list[dict[str, str]], parses: list[dict[str, Any]], settings: dict[str, float] | None = None
) -> dict[str, Any]:
    english = [(m, p) for m, p in zip(items, parses) if m["lang"] == "en"]
    other = [(m, p) for m, p in zip(items, parses) if m["lang"] != "en"]
    warnings = [(m, p) for m, p in zip(items, parses) if m["kind"] == "warning"]
    harmless_other = [(m, p) for m, p in other if m["kind"] != "warning"]
    short = [(m, p) for m, p in other if len(m["text"].split()) <= 3]
    intent = lambda p: (p.get("intent") or {}).get("name")  # noqa: E731

    def share(pairs: list[Any], test: Any) -> dict[str, Any]:
        hits = sum(1 for m, p in pairs if test(m, p))
        return {"n": len(pairs), "hits": hits, "share": round(hits / len(pairs), 3) if pairs else None}

    out: dict[str, Any] = {
        "english taken for another language": share(english, lambda m, p: language_of(p, settings) != "en"),
        "other language detected": share(other, lambda m, p: language_of(p, settings) != "en"),
        "right language": share(other, lambda m, p: language_of(p, settings) == m["lang"]),
        "right language, 3 words or fewer": share(short, lambda m, p: language_of(p, settings) == m["lang"]),
        "other language answered with an English FAQ answer": share(
            [(m, p) for m, p in other if m["kind"] != "warning"], lambda m, p: intent(p) == "faq"
        ),
        "warning signs reaching urgent care": share(warnings, lambda m, p: intent(p) == REPORT),
        "warning signs in other languages reaching urgent care": share(
            [(m, p) for m, p in warnings if m["lang"] != "en"], lambda m, p: intent(p) == REPORT
        ),
        "other-language questions escalated": share(harmless_other, lambda m, p: intent(p) == REPORT),
    }
    per_language: dict[str, dict[str, int]] = {}
    for m, p in other:
        row = per_language.setdefault(m["lang"], {"n": 0, "right": 0})
        row["n"] += 1
        row["right"] += language_of(p, settings) == m["lang"]
    out["per language"] = per_language
    out["missed warnings"] = [m["text"] for m, p in warnings if intent(p) != REPORT]
    return out


def choose(items: list[dict[str, str]], parses: list[dict[str, Any]]) -> dict[str, Any]:
    """No English message taken for another language first, then the most in the right language."""
    best: tuple[Any, dict[str, Any]] | None = None
    for margin, known in itertools.product(MARGINS, KNOWN_BELOW):
        settings = {"margin_over_english": margin, "known_words_below": known}
        result = score(items, parses, settings)
        key = (-result["english taken for another language"]["hits"], result["right language"]["hits"], margin)
        if best is None or key > best[0]:
            best = (
                key,
                {
                    **settings,
                    "english taken for another language": result["english taken for another language"]["share"],
                    "right language": result["right language"]["share"],
                },
            )
    assert best is not None  # the grid is not empty
    return best[1]


def configured() -> dict[str, float]:
    for step in yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]:
        if step["name"].endswith("OtherLanguageCheck"):
            return {k: step[k] for k in ("margin_over_english", "known_words_below") if k in step}
    return {}


def latency(agent: Any, texts: list[str], rounds: int) -> dict[str, Any]:
    """p50 parse time with the check and with it switched off, alternating rounds on the same texts."""
    from components.other_languages import OtherLanguageCheck

    return latency_with_and_without(agent, OtherLanguageCheck, texts, rounds)


def main() -> None:
    args = parse_args(__doc__, RESULTS, "languages.json and .md")
    from rasa.core.agent import Agent

    agent = Agent.load(args.model)

    async def parse_all(texts: list[str]) -> list[dict[str, Any]]:
        return [await agent.parse_message(t) for t in texts]

    out: dict[str, Any] = {"model": Path(args.model).name, "config": configured()}
    halves = {half: load(half) for half in ("dev", "report")}
    parses = {half: asyncio.run(parse_all([m["text"] for m in items])) for half, items in halves.items()}
    out["chosen_on_dev"] = choose(halves["dev"], parses["dev"])
    for half in halves:
        out[half] = score(halves[half], parses[half])
    missed = out["report"].pop("missed warnings")  # the reporting half's messages are not read
    out["report"]["missed warnings, count"] = len(missed)
    out["latency"] = latency(agent, [m["text"] for m in halves["dev"] + halves["report"]], args.latency_rounds)

    rows = [k for k in out["report"] if k not in ("per language", "missed warnings, count")]
    md = [
        "# Messages in other languages: the blind language set",
        "",
        "Written by `benchmarks/languages.py` (method in its docstring).",
        "",
        "| | development half | reporting half |",
        "|---|---|---|",
    ]
    for row in rows:
        cells = [f"{out[h][row]['hits']}/{out[h][row]['n']} ({out[h][row]['share']})" for h in ("dev", "report")]
        md.append(f"| {row} | " + " | ".join(cells) + " |")
    md += [
        "",
        "Right language per language, reporting half: "
        + ", ".join(f"{code} {row['right']}/{row['n']}" for code, row in sorted(out["report"]["per language"].items()))
        + ".",
    ]
    chosen, held = out["chosen_on_dev"], out["config"]
    holds = held and all(chosen[k] == held.get(k) for k in ("margin_over_english", "known_words_below"))
    md += [
        "",
        f"Chosen on the development half: margin_over_english {chosen['margin_over_english']}, "
        f"known_words_below {chosen['known_words_below']}; config.yml "
        f"{'holds them' if holds else 'has ' + str(held)}.",
        "",
        f"Latency, same model, {out['latency']['messages']} messages, {out['latency']['rounds']} "
        f"alternating rounds: p50 {out['latency']['p50_ms']['with check']} ms with the check, "
        f"{out['latency']['p50_ms']['check off']} ms with it off (x{out['latency']['ratio']}).",
        "",
        "Warning signs missed on the reporting half: " + str(out["report"]["missed warnings, count"]) + ".",
    ]
    print("\n".join(md))
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    (results / "languages.json").write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    (results / "languages.md").write_text("\n".join(md) + "\n")


if __name__ == "__main__":
    main()
