"""The clinic profile: a good one loads; a bad one stops the action server with a clear message."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml

from clinic.profile import ProfileError, load_profile
from tests.harness.paths import ROOT, VENV_BIN

SAMPLE = yaml.safe_load((ROOT / "clinic.yml").read_text())


def write(tmp_path: Path, **changes) -> Path:
    data = {**SAMPLE, **changes}
    path = tmp_path / "clinic.yml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_sample_profile_is_valid():
    clinic = load_profile(ROOT / "clinic.yml")
    assert clinic.hours_on("sunday") is None
    assert str(clinic.hours_on("monday")[0]) == "09:00:00"


@pytest.mark.parametrize(
    "changes, field, problem",
    [
        ({"phone": "12345"}, "phone", "phone number"),
        ({"email": "reception-at-clinic"}, "email", "email"),
        ({"timezone": "Europe/Atlantis"}, "timezone", "unknown time zone"),
        ({"opening_hours": {**SAMPLE["opening_hours"], "monday": "9am till late"}}, "opening_hours", "09:00-18:00"),
        ({"opening_hours": {**SAMPLE["opening_hours"], "funday": "closed"}}, "opening_hours", "funday"),
        (
            {"practitioners": [{**SAMPLE["practitioners"][0], "weekdays": ["moonday"]}]},
            "practitioners.0.weekdays",
            "moonday",
        ),
        ({"data_retention_days": 0}, "data_retention_days", "greater than or equal"),
    ],
)
def test_a_bad_field_is_named_with_its_problem(tmp_path, changes, field, problem):
    with pytest.raises(ProfileError) as err:
        load_profile(write(tmp_path, **changes))
    assert f"{field}" in str(err.value) and problem in str(err.value)


def test_missing_field_and_missing_file_are_explained(tmp_path):
    data = dict(SAMPLE)
    del data["phone"]
    path = tmp_path / "clinic.yml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ProfileError, match="phone: field required"):
        load_profile(path)
    with pytest.raises(ProfileError, match="not found"):
        load_profile(tmp_path / "nope.yml")


def test_action_server_refuses_to_start_on_a_bad_profile(tmp_path):
    bad = write(tmp_path, timezone="Mars/Olympus")
    env = {**os.environ, "CLINIC_PROFILE": str(bad), "SANIC_HOST": "127.0.0.1"}
    out = subprocess.run(
        [str(VENV_BIN / "python"), "-c", "import actions"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode != 0
    assert "timezone: unknown time zone 'Mars/Olympus'" in out.stderr
