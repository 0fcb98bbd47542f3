"""Set-up: the interpreter finder picks Python 3.10 or says clearly what to install; the pinned lists
of requirements/ agree with each other and hold all their packages need."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
from pathlib import Path

from packaging.requirements import Requirement

from scripts.split_pins import UNPINNED, normalize, read_list
from tests.harness.paths import ROOT

FINDER = ROOT / "scripts" / "find_python.sh"


def run_finder(tmp_path: Path) -> subprocess.CompletedProcess:
    empty_path = tmp_path / "bin"
    empty_path.mkdir(exist_ok=True)
    env = {"PATH": str(empty_path), "HOME": str(tmp_path), "PYENV_ROOT": str(tmp_path / "pyenv")}
    return subprocess.run(["/bin/sh", str(FINDER)], env=env, capture_output=True, text=True, timeout=60)


def test_no_python_310_anywhere_gives_install_advice(tmp_path):
    out = run_finder(tmp_path)
    assert out.returncode == 1
    assert "No Python 3.10 interpreter found" in out.stderr
    assert "pyenv install 3.10" in out.stderr and "apt-get install python3.10" in out.stderr


def test_falls_back_to_the_newest_pyenv_python_310(tmp_path):
    made = []
    for version in ("3.10.4", "3.10.13", "3.9.18"):
        bin_dir = tmp_path / "pyenv" / "versions" / version / "bin"
        bin_dir.mkdir(parents=True)
        python = bin_dir / f"python{version.rsplit('.', 1)[0]}"
        # Stands in for an interpreter: answers the finder's version probe as 3.10 would.
        python.write_text("#!/bin/sh\nexit 0\n")
        python.chmod(0o755)
        made.append(python)
    out = run_finder(tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(made[1])  # 3.10.13 beats 3.10.4; 3.9 is never picked


def test_finds_the_real_interpreter_on_this_machine():
    out = subprocess.run(["/bin/sh", str(FINDER)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    version = subprocess.run([out.stdout.strip(), "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("Python 3.10")


# The pinned lists (requirements/): the Rasa server's, the action server's, the tests' and tools'.
LISTS = ("rasa", "actions", "dev")
REQUIREMENTS = ROOT / "requirements"


def pins(name: str) -> dict[str, str]:
    """requirements/<name>.txt as {normalized name: version}."""
    lines = (line for line in (REQUIREMENTS / f"{name}.txt").read_text().splitlines() if line and line[0] != "#")
    return {normalize(left): right for left, right in (line.split("==") for line in lines)}


def test_each_pinned_file_pins_every_package_of_its_list_at_the_lists_version():
    for name in LISTS:
        pinned = pins(name)
        for requirement in read_list(REQUIREMENTS / f"{name}.in"):
            key = normalize(requirement.name)
            assert key in pinned, f"requirements/{name}.txt does not pin {requirement.name}"
            assert requirement.specifier.contains(pinned[key], prereleases=True), (name, requirement, pinned[key])


def test_a_package_in_several_pinned_files_has_one_version():
    versions: dict[str, set[str]] = {}
    for name in LISTS:
        for package, version in pins(name).items():
            versions.setdefault(package, set()).add(version)
    assert {package: found for package, found in versions.items() if len(found) > 1} == {}


def test_each_pinned_file_pins_what_its_packages_need_at_versions_they_accept():
    """What an image installs from its one file needs nothing that file lacks (checked for the packages
    this venv has at the pinned version: all of them once `make setup` installed the files)."""
    checked = 0
    for name in LISTS:
        pinned = pins(name)
        extras = {normalize(r.name): set(r.extras) for r in read_list(REQUIREMENTS / f"{name}.in")}
        for package, version in pinned.items():
            try:
                if importlib.metadata.version(package) != version:
                    continue
            except importlib.metadata.PackageNotFoundError:
                continue
            checked += 1
            for line in importlib.metadata.requires(package) or []:
                need = Requirement(line)
                wanted = {"", *extras.get(package, ())}
                if need.marker and not any(need.marker.evaluate({"extra": extra}) for extra in wanted):
                    continue
                key = normalize(need.name)
                if key in UNPINNED:
                    continue
                assert key in pinned, f"requirements/{name}.txt: {package} needs {need.name}, which it does not pin"
                assert need.specifier.contains(pinned[key], prereleases=True), (name, package, str(need))
    assert checked > 200


def test_the_development_venv_installs_all_three_pinned_files():
    setup = (ROOT / "scripts" / "setup_venv.sh").read_text()
    assert "-r requirements/rasa.txt -r requirements/actions.txt -r requirements/dev.txt" in setup
    makefile = (ROOT / "Makefile").read_text()
    assert "REQUIREMENTS := requirements/rasa.txt requirements/actions.txt requirements/dev.txt" in makefile
    assert "$(VENV)/.installed: $(REQUIREMENTS)" in makefile
    assert not (ROOT / "requirements.txt").exists() and not (ROOT / "requirements.in").exists()


def test_the_tools_are_pinned_for_development_only():
    for tool in ("pytest", "playwright", "hypothesis", "ruff", "mypy"):
        assert tool in pins("dev")
        assert tool not in pins("rasa") and tool not in pins("actions")


def test_make_test_fast_runs_make_lint_first_with_the_pinned_ruff_and_mypy():
    built = ["-o", ".venv/.installed", "-o", "lang/.built", "-o", "web/node_modules/.installed"]
    env = {name: value for name, value in os.environ.items() if name not in ("RUFF", "MYPY", "MAKEFLAGS", "MAKELEVEL")}
    out = subprocess.run(
        ["make", "-n", "--no-print-directory", *built, "test-fast"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    commands = out.stdout.splitlines()
    packages = "actions clinic components channels insights scripts benchmarks staff"
    assert commands == [
        f".venv/bin/ruff check {packages} tests",
        f".venv/bin/ruff format --check {packages} tests",
        f".venv/bin/mypy --python-executable .venv/bin/python {packages}",
        '.venv/bin/python -m pytest tests -m "not slow"',
    ]
