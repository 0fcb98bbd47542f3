"""Packages by process: `clinic/` is the clinic's library, `actions/` holds only Rasa SDK actions.

The library runs where Rasa does not: the practitioner's terminal (`make bookings`, `purge`) and the
check-in scheduler run from the action server's image, which has neither Rasa nor components/. So no
module of clinic/ may import Rasa, rasa_sdk, TensorFlow, components/ or actions/, not even inside a
function (checked in the source), and each loads and runs in a process where those imports fail.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import subprocess
import textwrap

import pytest

import actions
import clinic
from tests.harness.paths import ROOT, VENV_BIN

FORBIDDEN = ("rasa", "rasa_sdk", "tensorflow", "components", "actions")
LIBRARY_MODULES = sorted(m.name for m in pkgutil.iter_modules(clinic.__path__))
ACTION_MODULES = sorted(m.name for m in pkgutil.iter_modules(actions.__path__))

# Runs in a fresh interpreter: a meta-path finder makes every forbidden import fail, then the library's
# two command lines are run as `python -m` runs them, and every module of the library is imported.
WITHOUT_RASA = textwrap.dedent("""
    import importlib, pkgutil, runpy, sys

    FORBIDDEN = {forbidden!r}

    class NoRasa:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in FORBIDDEN:
                raise ImportError(f"{{name}} is not available here")
            return None

    sys.meta_path.insert(0, NoRasa())

    def run(module, *args):
        sys.argv = [module, *args]
        try:
            runpy.run_module(module, run_name="__main__", alter_sys=True)
        except SystemExit as done:
            if done.code not in (0, None):
                raise
    run("clinic.practitioner", "--help")
    run("clinic.checkins", "run", "--help")
    run("clinic.practitioner", "purge")

    import clinic

    for module in pkgutil.iter_modules(clinic.__path__):
        importlib.import_module("clinic." + module.name)
    loaded = sorted(name for name in sys.modules if name.split(".")[0] in FORBIDDEN)
    assert not loaded, loaded
    print("library ok")
""")


def _imported_names(path) -> list:
    """Every module an import statement in the file names, at any depth (function bodies too)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def test_the_library_and_its_command_lines_run_without_rasa(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "BOOKINGS_DB_URL": f"sqlite:///{tmp_path / 'bookings.db'}",
        "TRACKER_DB_URL": f"sqlite:///{tmp_path / 'conversations.db'}",
    }
    done = subprocess.run(
        [str(VENV_BIN / "python"), "-c", WITHOUT_RASA.format(forbidden=FORBIDDEN)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "usage: make bookings" in done.stdout
    assert "deleted 0 request(s) and 0 conversation(s)" in done.stdout
    assert done.stdout.rstrip().endswith("library ok")


@pytest.mark.parametrize("name", LIBRARY_MODULES)
def test_no_library_module_imports_rasa_or_the_servers_packages(name):
    source = ROOT / "clinic" / f"{name}.py"
    bad = [module for module in _imported_names(source) if module.split(".")[0] in FORBIDDEN]
    assert not bad, f"clinic/{name}.py imports {bad}"


def test_the_library_has_the_moved_modules():
    assert {"booking_requests", "checkins", "practitioner", "profile", "store", "tracker_db"} <= set(LIBRARY_MODULES)
    assert "requests" not in LIBRARY_MODULES + ACTION_MODULES  # would read as the HTTP library


@pytest.mark.parametrize("name", ACTION_MODULES)
def test_every_module_of_actions_defines_a_rasa_sdk_action(name):
    from rasa_sdk import Action

    module = importlib.import_module(f"actions.{name}")
    own = [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if cls.__module__ == module.__name__ and issubclass(cls, Action)
    ]
    assert own, f"actions/{name}.py defines no Action: library code belongs in clinic/"
