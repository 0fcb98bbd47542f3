"""The deployment files parse, and what they run and set is what the code actually reads.

They cannot be applied here (no cluster), so this checks what can go wrong without one: a typo in a
module, a flag or an environment variable name that the code would silently never see.
"""

from __future__ import annotations

import re

import pytest
import yaml

from clinic import checkins, store
from tests.harness.paths import ROOT

DEPLOY = ROOT / "deploy"


@pytest.mark.parametrize("path", sorted(p.relative_to(ROOT).as_posix() for p in DEPLOY.rglob("*.yml")))
def test_every_deployment_file_is_valid_yaml(path):
    assert yaml.safe_load((ROOT / path).read_text()) is not None


def test_the_check_in_cronjob_runs_the_real_scheduler_with_variables_it_reads():
    job = yaml.safe_load((DEPLOY / "k8s" / "checkins-cronjob.yml").read_text())
    (container,) = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    command = container["args"]
    assert command[:3] == ["python", "-m", "clinic.checkins"]
    with pytest.raises(SystemExit) as done:  # the sub-command and flags exist
        checkins.main([*command[3:], "--help"])
    assert done.value.code == 0
    source = (ROOT / "clinic" / "checkins.py").read_text()
    read = set(re.findall(r"environ(?:\.get)?\(\s*\"([A-Z_]+)\"", source)) | {store.DB_ENV}
    for variable in container["env"]:
        if variable["name"] != "CLINIC_DB_PASSWORD":  # expanded by Kubernetes into BOOKINGS_DB_URL
            assert variable["name"] in read, variable["name"]
    assert job["spec"]["concurrencyPolicy"] == "Forbid"


@pytest.mark.parametrize("image", ["rasa", "actions"])
def test_each_image_installs_its_own_pinned_file_as_it_is(image):
    dockerfile = (DEPLOY / "docker" / f"Dockerfile.{image}").read_text()
    instructions = re.sub(r"^\s*#.*\n", "", dockerfile, flags=re.M)  # comments out
    ((copied, target),) = re.findall(r"^COPY (requirements\S*) (\S+)$", instructions, flags=re.M)
    assert copied == f"requirements/{image}.txt" and (ROOT / copied).is_file()
    assert re.search(rf"pip install --no-cache-dir -r {re.escape(target)}( \\)?$", instructions, flags=re.M)
    assert "grep" not in instructions and "dev.txt" not in instructions
