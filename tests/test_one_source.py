"""One source per fact (issue 19, item 3): each fact is written once, and every copy is made from it.

- the clinic's contacts: clinic.yml. The domain's contact slot defaults are written from it by
  scripts/sync_domain.py (the session start action sets the same slots from clinic.yml);
- button titles: data/content/topics.yml. The domain's topic buttons are written from it, the
  actions and care.yml name topics by label;
- the intents that interrupt a form: one list per form in domain.yml (YAML anchors);
- the website origins allowed by default: channels/origins.py;
- what the patient reads: data files (domain.yml responses, data/content/*.yml), not Python;
- the treatment's name: clinic.yml and the data files, never a Python module.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from actions.booking import BOOKING_STEPS
from clinic import topics
from clinic.profile import profile
from tests.harness.paths import ROOT, load_yaml

sys.path.insert(0, str(ROOT / "scripts"))
import sync_domain  # noqa: E402

# Python that talks to patients: the actions, the channels, and the library modules whose words
# reach a patient (re-prompt reasons, opening hours, details noted, warning-sign replies).
PATIENT_FACING = [
    *sorted((ROOT / "actions").glob("*.py")),
    *sorted((ROOT / "channels").glob("*.py")),
    *(ROOT / "clinic" / f"{name}.py" for name in ("validators", "hours", "early_details", "warning_signs")),
]
CODE_DIRS = ("actions", "clinic", "channels", "components", "insights", "scripts")
LOGGERS = {"logger", "logging", "log", "structlogger"}
SENTENCE_END = re.compile(r"[.?!][\"'”’)\]]*$")
SENTENCE_INSIDE = re.compile(r"[a-z][.?!] +[A-Z]")


# ---- Contacts and button titles: domain.yml's copies are generated ----


def test_the_domain_copies_of_clinic_yml_and_topics_yml_are_up_to_date():
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "sync_domain.py"), "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_generator_rewrites_contacts_and_button_titles():
    text = (
        'slots:\n  clinic_phone:\n    type: text\n    initial_value: "old"\n  other:\n'
        '    initial_value: "kept"\nresponses:\n  utter_x:\n    - text: "Hi"\n      buttons:\n'
        '        - {title: "Old title", payload: "/book_appointment"}  # book_appointment\n'
        '        - {title: "Hand-written", payload: "/affirm"}\n'
    )
    out = sync_domain.generate(text, {"clinic_phone": "+44 1"})
    title = topics.titles()["book_appointment"]
    assert 'initial_value: "+44 1"' in out and 'initial_value: "kept"' in out
    assert f'- {{title: "{title}", payload: "/book_appointment"}}  # book_appointment' in out
    assert '- {title: "Hand-written", payload: "/affirm"}' in out


def test_every_topic_button_in_the_domain_is_generated_from_topics_yml():
    """A topic button written by hand would be a second copy of its title."""
    response = None
    in_responses = False
    for number, line in enumerate((ROOT / "domain.yml").read_text(encoding="utf-8").split("\n"), 1):
        if re.match(r"^\w", line):
            in_responses = line.startswith("responses:")
        found = re.match(r"^  (\S+):\s*$", line)
        if in_responses and found:
            response = found.group(1)
        if in_responses and line.strip().startswith("- {title:") and not response.startswith("utter_ask_"):
            assert sync_domain._BUTTON.match(line), f"domain.yml:{number}: a topic button needs '# <label>'"


def test_domain_contact_defaults_are_the_clinic_profiles():
    slots = load_yaml(ROOT / "domain.yml")["slots"]
    for slot, value in sync_domain.generated_slots().items():
        assert slots[slot]["initial_value"] == value, slot


def test_button_titles_are_written_only_in_topics_yml():
    titles = set(topics.titles().values())
    for path in sorted((ROOT / "data" / "content").glob("*.yml")):
        if path.name == "topics.yml":
            continue
        text = path.read_text(encoding="utf-8")
        for title in titles:
            assert f'title: "{title}"' not in text and f"title: {title}\n" not in text, (path.name, title)
    for path in PATIENT_FACING:
        for value, line in _strings(path):
            assert value not in titles, f"{path.relative_to(ROOT)}:{line}: {value!r} is a topics.yml title"


# ---- The intents that interrupt a form ----


def test_each_not_intent_list_is_written_once():
    lists: list[str] = []
    for path in [ROOT / "domain.yml", *sorted((ROOT / "data").rglob("*.yml"))]:
        for line in path.read_text(encoding="utf-8").split("\n"):
            found = re.search(r"not_intent:\s*(?:&\w+\s*)?(\[.*\])", line)
            if found:
                assert path.name == "domain.yml", f"{path}: not_intent belongs in domain.yml"
                lists.append(" ".join(found.group(1).split()))
    repeated = {entry for entry in lists if lists.count(entry) > 1}
    assert not repeated, f"write these once (a YAML anchor) and reuse them: {sorted(repeated)}"


def test_the_slots_still_exclude_the_interrupting_intents():
    slots = load_yaml(ROOT / "domain.yml")["slots"]
    form = ["stop", "cancel_booking", "report_adverse_reaction", "request_human", "forget_me", "other_language"]
    # The booking form's steps but the confirmation (it has a list of its own), and the change question.
    for slot in [*(step for step in BOOKING_STEPS if step != "booking_confirm"), "booking_change"]:
        assert slots[slot]["mappings"][0]["not_intent"] == form, slot
    for slot in ("booking_reference", "lookup_contact"):
        assert slots[slot]["mappings"][-1]["not_intent"] == [
            "stop",
            "report_adverse_reaction",
            "request_human",
            "other_language",
        ], slot


# ---- The default website origins ----


def test_the_default_origins_are_written_once():
    """scripts/run.sh and the socket.io channel both take them from channels/origins.py."""
    from channels.origins import DEFAULT_ORIGINS

    found = [
        str(path.relative_to(ROOT))
        for path in _files(
            ("channels", "clinic", "scripts", "deploy", "components", "actions"),
            extra=("clinic.yml", "credentials.yml", "endpoints.yml", "Makefile"),
        )
        if DEFAULT_ORIGINS in path.read_text(encoding="utf-8", errors="ignore")
        or DEFAULT_ORIGINS.split()[-1] in path.read_text(encoding="utf-8", errors="ignore")
    ]
    assert found == ["channels/origins.py"], found


# ---- Words the patient reads live in data files ----


def _parents(tree: ast.AST) -> dict:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _excluded(node: ast.AST, parents: dict) -> bool:
    """Docstrings and other bare strings, log messages, and exceptions raised (for developers)."""
    while node in parents:
        parent = parents[node]
        if isinstance(parent, ast.Expr) and isinstance(node, (ast.Constant, ast.JoinedStr)):
            return True
        if isinstance(parent, ast.Assign) and any(
            isinstance(target, ast.Attribute) and target.attr == "__doc__" for target in parent.targets
        ):
            return True
        if isinstance(parent, ast.Raise):
            return True
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute):
            owner = parent.func.value
            if isinstance(owner, ast.Name) and owner.id in LOGGERS:
                return True
        node = parent
    return False


def _strings(path: Path) -> Iterator[tuple[str, int]]:
    """Every string literal in the file (an f-string with {} for its values), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = _parents(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            value = "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if isinstance(parents.get(node), ast.JoinedStr):
                continue  # part of an f-string, read whole above
            value = node.value
        else:
            continue
        if not _excluded(node, parents):
            yield value, node.lineno


def looks_like_a_sentence(text: str) -> bool:
    text = text.strip()
    if len(text.split()) < 5:
        return False
    return bool(SENTENCE_END.search(text) or SENTENCE_INSIDE.search(text))


def test_the_sentence_check_finds_sentences():
    assert looks_like_a_sentence("Sorry, I couldn't save your request just now.")
    assert looks_like_a_sentence("Which phone number should they call?")
    assert looks_like_a_sentence("Sorry, I can't do that. Please call {}")
    assert not looks_like_a_sentence("booking request")
    assert not looks_like_a_sentence(r"^(what|whats|how|does)\b")
    assert not looks_like_a_sentence("%A %-d %B")


def test_no_reply_sentence_is_written_in_python():
    """Every sentence a patient reads comes from domain.yml or data/content/*.yml (clinic/content.py)."""
    found = [
        f"{path.relative_to(ROOT)}:{line}: {value!r}"
        for path in PATIENT_FACING
        for value, line in _strings(path)
        if looks_like_a_sentence(value)
    ]
    assert not found, "move these to data/content/*.yml:\n" + "\n".join(found)


# ---- The treatment's name ----


def _files(dirs, extra=(), suffix=None):
    for name in dirs:
        for path in sorted((ROOT / name).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and (suffix is None or path.suffix == suffix):
                yield path
    for name in extra:
        yield ROOT / name


def test_no_python_module_names_the_treatment():
    """The treatment's name comes from clinic.yml (`treatment`) or the data files a module reads."""
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _files(CODE_DIRS, suffix=".py")
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1)
        if "mesotherapy" in line.lower()
    ]
    assert not found, found


def test_the_treatment_named_in_clinic_yml_is_one_the_practitioners_give():
    clinic = profile()
    assert any(clinic.treatment.name in person.treatments for person in clinic.practitioners)
