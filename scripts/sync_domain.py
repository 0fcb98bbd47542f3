"""Write the parts of domain.yml that are copies of facts kept elsewhere, so each fact has one source.

Rasa reads responses and slot defaults from domain.yml only, so two kinds of line there are written
by this script rather than by hand:
  - the contact slots' `initial_value` (clinic_name, clinic_phone, ...), from clinic.yml, and the
    catalogue's slot (`when_to_call_clinic`, from data/content/warning_signs.yml with clinic.yml's phone,
    clinic/response_slots.py). The session start action sets these slots anyway; the initial
    values are what the Rasa server says when the action server can't be reached
    (components/action_failure.py);
  - every topic button of a response, a line ending in `# <label>` (a topic of
    data/content/topics.yml): its title and payload come from topics.yml (clinic/topics.py).

    python scripts/sync_domain.py           rewrite domain.yml (make domain)
    python scripts/sync_domain.py --check   exit 1 and name the lines when domain.yml is out of date

tests/test_one_source.py runs the check. Everything else in domain.yml, comments included, is left
as it is. A changed domain.yml needs a new model (`make model`).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the project's packages

from clinic import topics  # noqa: E402
from clinic.profile import load_profile  # noqa: E402
from clinic.response_slots import response_slots  # noqa: E402

DOMAIN = ROOT / "domain.yml"
_SLOT = re.compile(r"^  ([A-Za-z_]\w*):\s*(#.*)?$")  # a slot's name, under `slots:`
_INITIAL = re.compile(r"^(\s+initial_value: ).*$")
_TOP = re.compile(r"^[A-Za-z_]\w*:")  # a top-level key (slots:, forms:, ...)
_BUTTON = re.compile(r"^(\s*- )\{.*\}\s+# ([\w/]+)\s*$")  # "- {title: ..., payload: ...}  # <label>"


def _quoted(value: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def button_line(indent: str, label: str) -> str:
    button = topics.button(label)
    return f"{indent}{{title: {_quoted(button['title'])}, payload: {_quoted(button['payload'])}}}  # {label}"


def generate(text: str, slots: dict[str, str]) -> str:
    """domain.yml's text with the generated lines written from `slots` and topics.yml."""
    lines: list[str] = []
    section: str | None = None
    slot: str | None = None
    for line in text.split("\n"):
        if _TOP.match(line):
            section, slot = line.split(":", 1)[0], None
        elif section == "slots" and (found := _SLOT.match(line)):
            slot = found.group(1)
        initial = _INITIAL.match(line)
        button = _BUTTON.match(line)
        if section == "slots" and slot in slots and initial:
            line = initial.group(1) + _quoted(slots[slot])
        elif section == "responses" and button:
            line = button_line(button.group(1), button.group(2))
        lines.append(line)
    return "\n".join(lines)


def generated_slots() -> dict[str, str]:
    """Slot name -> its default, for every slot whose default is a copy of a fact kept elsewhere."""
    return response_slots(load_profile())


def expected(path: Path = DOMAIN) -> str:
    return generate(path.read_text(encoding="utf-8"), generated_slots())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only report whether domain.yml is up to date")
    args = parser.parse_args(argv)
    current = DOMAIN.read_text(encoding="utf-8")
    wanted = expected()
    if args.check:
        stale = [
            f"domain.yml:{n}: {line.strip()}"
            for n, (line, new) in enumerate(zip(current.split("\n"), wanted.split("\n")), 1)
            if line != new
        ]
        if stale:
            print(
                "domain.yml is out of date with clinic.yml / data/content/topics.yml / warning_signs.yml "
                "(run `make domain`):\n" + "\n".join(stale)
            )
            return 1
        return 0
    if wanted != current:
        DOMAIN.write_text(wanted, encoding="utf-8")
        print("domain.yml updated: retrain the model (make model)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
