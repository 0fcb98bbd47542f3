"""Export the messages that fell back as Rasa NLU training data, ready for someone to label.

The review loop (what QnA tools call active learning): the report shows what the assistant could
not place; this file holds the same masked, de-duplicated messages, one placeholder intent per
similarity group. A person renames each intent to a real one (faq/<topic>, out_of_scope...), drops
what is noise, moves the examples into data/nlu/ and retrains. Written by hand rather than with a
YAML library so the comments and the `examples: |` block style survive; texts are single-line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from insights.grouping import Group

HEADER = """\
# Messages the clinic assistant could not place ({period}), for labelling.
# Personal data is masked ([name], [phone], [e-mail]); answers typed into forms are never included.
# For each group below:
#   1. rename `to_label_group_N` to the real intent, e.g. `faq/<topic>` (then add the answer to
#      data/responses if the topic is new) or `out_of_scope`; delete examples that are noise;
#   2. move the examples into a file under data/nlu/ and delete this file;
#   3. check with `make validate`, retrain with `make model`, and compare with `make bench`.
"""


def placeholder_intent(number: int) -> str:
    return f"to_label_group_{number}"


def _one_line(text: str) -> str:
    """Safe inside an `examples: |` block and for Rasa's entity markup: one line, no `](`."""
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\](?=[(\[{])", "] ", text)


def render(groups: Sequence[Group], period: str) -> str:
    """The NLU YAML text: version 3.1, one placeholder intent per group."""
    lines: list[str] = [HEADER.format(period=period), 'version: "3.1"', ""]
    entries = [(group, [line for line in (_one_line(text) for text, _ in group.examples) if line]) for group in groups]
    entries = [(group, texts) for group, texts in entries if texts]
    if not entries:
        lines.append("nlu: []")
        return "\n".join(lines) + "\n"
    lines.append("nlu:")
    for number, (group, texts) in enumerate(entries, start=1):
        reasons = ", ".join(f"{intent} x{count}" for intent, count in group.intents.items())
        lines.append(f"# group {number}: {group.count} message(s) ({reasons})")
        lines.append(f"- intent: {placeholder_intent(number)}")
        lines.append("  examples: |")
        lines.extend(f"    - {text}" for text in texts)
    return "\n".join(lines) + "\n"


def write(path: Path, groups: Sequence[Group], period: str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(groups, period), encoding="utf-8")
    return path
