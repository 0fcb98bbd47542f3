"""The project's changes to Rasa (components/patches.py): version-checked, idempotent, applied only by
install(), never by importing the module that holds a patch."""

from __future__ import annotations

import json
import subprocess
import types

import pytest
import rasa
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.validator import Validator

import components  # noqa: F401  (components/__init__.py calls patches.install(): the one place)
from components import action_failure, action_result_check, duplicate_messages, parse_in_thread, patches
from tests.harness.paths import ROOT, VENV_BIN

# Each Rasa attribute a patch replaces, by the module that replaces it.
PATCHED = {
    "components.action_failure": ["RemoteAction.run"],
    "components.action_result_check": ["RemoteAction._validate_action_result"],
    "components.duplicate_messages": [
        "MessageProcessor.handle_message",
        "MessageProcessor._handle_message_with_tracker",
    ],
    "components.parse_in_thread": ["MessageProcessor.parse_message"],
    "scripts.validate_data": ["Validator._non_default_intents"],
}
CLASSES = {"RemoteAction": RemoteAction, "MessageProcessor": MessageProcessor, "Validator": Validator}


def _current(name: str):
    owner, attribute = name.split(".")
    return getattr(CLASSES[owner], attribute)


def test_a_different_rasa_version_is_refused_naming_both(monkeypatch):
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with pytest.raises(RuntimeError) as refused:
        patches.check_rasa_version()
    assert "3.7.0" in str(refused.value) and patches.RASA_VERSION in str(refused.value)
    with pytest.raises(RuntimeError, match="3.7.0"):
        patches.install()  # checked even when the patches are already in place
    with pytest.raises(RuntimeError, match="3.7.0"):
        patches.install_validator(lambda intent: True)


def test_the_pinned_version_is_the_installed_one():
    assert patches.RASA_VERSION == rasa.__version__
    patches.check_rasa_version()


def test_importing_the_package_installs_every_server_patch():
    assert RemoteAction.run is action_failure.run_or_explain
    assert RemoteAction._validate_action_result is action_result_check.validate_action_result
    assert MessageProcessor.handle_message is duplicate_messages.handle_message
    assert MessageProcessor._handle_message_with_tracker is duplicate_messages.handle_message_with_tracker
    assert MessageProcessor.parse_message is parse_in_thread.parse_message
    # The originals the patches call are Rasa's, not a patch wrapping itself.
    assert action_failure._original_run is not action_failure.run_or_explain
    assert duplicate_messages._handle_message is not duplicate_messages.handle_message
    assert parse_in_thread._parse_message is not parse_in_thread.parse_message


def test_install_is_idempotent(monkeypatch):
    names = [name for module in PATCHED for name in PATCHED[module] if not name.startswith("Validator")]
    before = {name: _current(name) for name in names}
    patches.install()
    patches.install()
    monkeypatch.setattr(patches, "_installed", False)  # even past the flag, each module's install() holds
    patches.install()
    for module in (action_failure, action_result_check, duplicate_messages, parse_in_thread):
        module.install()
    assert {name: _current(name) for name in names} == before


def test_install_validator_narrows_once(monkeypatch):
    monkeypatch.setattr(Validator, "_non_default_intents", Validator._non_default_intents)  # restored after
    fake = types.SimpleNamespace(domain=types.SimpleNamespace(intents=["greet", "EXTERNAL_ping", "nlu_fallback"]))
    assert Validator._non_default_intents(fake) == ["greet", "EXTERNAL_ping"]
    patches.install_validator(lambda intent: not intent.startswith("EXTERNAL_"))
    narrowed = Validator._non_default_intents
    assert narrowed(fake) == ["greet"]
    patches.install_validator(lambda intent: False)
    assert Validator._non_default_intents is narrowed and narrowed(fake) == ["greet"]


# A clean interpreter with the `components` package present but its __init__ (the one install() call)
# not run: each module that holds a patch is imported in turn, and every attribute any patch replaces
# is compared just before and just after that import.
_IMPORT_EACH = r"""
import importlib, json, sys, types
root = sys.argv[1]
sys.path.insert(0, root)
package = types.ModuleType("components")
package.__path__ = [root + "/components"]
sys.modules["components"] = package
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.validator import Validator
classes = {"RemoteAction": RemoteAction, "MessageProcessor": MessageProcessor, "Validator": Validator}
patched = json.loads(sys.argv[2])
names = [name for module in patched for name in patched[module]]
def current():
    return {name: getattr(classes[name.split(".")[0]], name.split(".")[1]) for name in names}
changed = {}
for module in patched:
    before = current()
    importlib.import_module(module)
    now = current()
    changed[module] = [name for name in names if now[name] is not before[name]]
print("RESULT " + json.dumps(changed))
"""


@pytest.fixture(scope="module")
def changed_by_import():
    done = subprocess.run(
        [str(VENV_BIN / "python"), "-c", _IMPORT_EACH, str(ROOT), json.dumps(PATCHED)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(lines[-1][len("RESULT ") :])


@pytest.mark.parametrize("module", sorted(PATCHED))
def test_importing_a_patch_module_changes_nothing_in_rasa(changed_by_import, module):
    assert changed_by_import[module] == []
