"""benchmarks/README.md's figures are the results files' figures, and no results file is too big to commit.

Fast: no model, no servers. When a benchmark has written new results, `make bench-readme` rewrites the
generated tables (benchmarks/make_readme.py); commit both together.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmarks import make_readme

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "benchmarks" / "README.md"
MOST_BYTES = 200 * 1024


def test_the_committed_benchmarks_readme_matches_the_results_files(tmp_path):
    copy = tmp_path / "README.md"
    shutil.copyfile(README, copy)
    assert make_readme.main(["--readme", str(copy), "--results", str(RESULTS)]) == 0
    assert copy.read_text(encoding="utf-8") == README.read_text(encoding="utf-8"), (
        "benchmarks/README.md is out of date with benchmarks/results/: run make bench-readme"
    )


def test_the_generator_changes_only_the_generated_region_and_fails_without_its_markers(tmp_path):
    before = README.read_text(encoding="utf-8")
    head, _, tail = before.partition(make_readme.START)
    stale = head + make_readme.START + "\n| stale | table |\n" + make_readme.END + tail.partition(make_readme.END)[2]
    copy = tmp_path / "README.md"
    copy.write_text(stale, encoding="utf-8")
    assert make_readme.main(["--readme", str(copy), "--check"]) == 1
    assert make_readme.main(["--readme", str(copy)]) == 0
    assert copy.read_text(encoding="utf-8") == before
    copy.write_text("no markers here\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        make_readme.main(["--readme", str(copy)])


def test_every_results_file_is_under_200_kb():
    too_big = {
        str(p.relative_to(ROOT)): p.stat().st_size
        for p in RESULTS.rglob("*")
        if p.is_file() and "tmp" not in p.relative_to(RESULTS).parts and p.stat().st_size > MOST_BYTES
    }
    assert not too_big, f"results files over 200 KB (thin what the benchmark writes): {too_big}"
