"""The README a newcomer reads: short enough to read in ten minutes, and its map of folders is the tree's."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.harness.paths import ROOT

README = ROOT / "README.md"


def folders_in_the_map() -> dict[str, str]:
    """The README's "Folders" table: folder -> what it is for."""
    section = README.read_text(encoding="utf-8").split("## Folders", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `([^`]+)/` \| (.+) \|$", section, flags=re.MULTILINE))


def committed_top_level_folders() -> set[str]:
    try:
        files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return {line.split("/", 1)[0] for line in files.splitlines() if "/" in line}


def test_the_readme_is_at_most_15_kb():
    assert len(README.read_bytes()) <= 15_000


def test_the_map_of_folders_names_every_committed_folder_and_no_other():
    mapped = folders_in_the_map()
    committed = committed_top_level_folders()
    assert committed - set(mapped) == set(), "folders missing from the README's map"
    generated = {name for name, what in mapped.items() if "not committed" in what}
    assert set(mapped) - committed == generated, "the map names folders that are neither committed nor generated"
