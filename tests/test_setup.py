"""Set-up: the interpreter finder picks Python 3.10 or says clearly what to install."""
from __future__ import annotations

import subprocess
from pathlib import Path

from tests.harness.paths import ROOT

FINDER = ROOT / "scripts" / "find_python.sh"


def run_finder(tmp_path: Path) -> subprocess.CompletedProcess:
    empty_path = tmp_path / "bin"
    empty_path.mkdir(exist_ok=True)
    env = {"PATH": str(empty_path), "HOME": str(tmp_path), "PYENV_ROOT": str(tmp_path / "pyenv")}
    return subprocess.run(["/bin/sh", str(FINDER)], env=env, capture_output=True, text=True,
                          timeout=60)


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
