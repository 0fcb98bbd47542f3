"""Several questions in one message and follow-ups (issue 18): what splitting costs and how often it is wrong.

  - Wrongly split: every message of the held-out file (tests/nlu/heldout.yml) asks one thing, so each
    one the model answers as `several_questions` is a single question split by mistake (target <= 1%).
  - Split as asked: the multi-question turns of the blind conversation set (tests/blind/conversations_v1.yml)
    that expect two or three answers, and how many got exactly those, in order.
  - Latency: the same model parses the held-out messages and those turns with MessageParts and with it
    switched off (benchmarks/side_by_side.py), in alternating rounds; the ratio of the p50s is its cost.
    Follow-ups need a conversation, so their cost is in the blind conversation test, not here.

Writes benchmarks/results/message_parts.json and message_parts.md.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.side_by_side import latency_with_and_without, parse_args  # noqa: E402
from components.message_parts import MessageParts  # noqa: E402

HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
CONVERSATIONS = ROOT / "tests" / "blind" / "conversations_v1.yml"
RESULTS = ROOT / "benchmarks" / "results"


def heldout_texts() -> list[str]:
    texts = []
    for block in yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))["nlu"]:
        for line in (block.get("examples") or "").splitlines():
            text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", re.sub(r"^\s*-\s*", "", line)).strip()
            if text:
                texts.append(text)
    return texts


def multi_turns() -> list[dict[str, Any]]:
    """Blind conversation turns that ask two or three FAQ questions at once, with the answers expected."""
    turns = []
    for conversation in yaml.safe_load(CONVERSATIONS.read_text(encoding="utf-8"))["conversations"]:
        for turn in conversation["turns"]:
            wanted = [a for a in (turn["expect"].get("answers") or []) if a.startswith("faq/")]
            if len(wanted) > 1:
                turns.append({"text": turn["user"], "answers": wanted})
    return turns


def main() -> None:
    args = parse_args(__doc__)
    from rasa.core.agent import Agent

    agent = Agent.load(args.model)
    loop = asyncio.new_event_loop()
    texts, multi = heldout_texts(), multi_turns()
    parses = [loop.run_until_complete(agent.parse_message(t)) for t in texts]
    split = [p["text"] for p in parses if p["intent"]["name"] == "several_questions"]
    answered = []
    for turn in multi:
        parse = loop.run_until_complete(agent.parse_message(turn["text"]))
        got = [q.get("topic") for q in parse.get("questions") or [] if q.get("topic")]
        answered.append({**turn, "got": got, "ok": got[: len(turn["answers"])] == turn["answers"]})
    loop.close()
    out = {
        "model": args.model,
        "wrongly_split": {
            "rate": round(len(split) / len(texts), 4),
            "count": len(split),
            "of": len(texts),
            "messages": split,
        },
        "split_as_asked": {"count": sum(a["ok"] for a in answered), "of": len(answered), "turns": answered},
        "latency": latency_with_and_without(
            agent, MessageParts, texts + [t["text"] for t in multi], args.latency_rounds
        ),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "message_parts.json").write_text(json.dumps(out, indent=2, ensure_ascii=False))
    lat = out["latency"]
    lines = [
        "# Several questions in one message (benchmarks/message_parts.py)",
        "",
        f"- Held-out single questions answered as several: {len(split)} / {len(texts)} "
        f"({out['wrongly_split']['rate']:.3f}; target <= 0.01)" + (f": {split}" if split else ""),
        f"- Blind multi-question turns answered with exactly the expected topics, in order: "
        f"{out['split_as_asked']['count']} / {len(answered)}",
        f"- Parse p50, same model, {lat['messages']} messages, {lat['rounds']} alternating rounds: "
        f"{lat['p50_ms']['with check']} ms with MessageParts, {lat['p50_ms']['check off']} ms without "
        f"(x{lat['ratio']})",
        "",
    ]
    (RESULTS / "message_parts.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
