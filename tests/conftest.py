"""Shared fixtures: project paths, the ../shared folder (absent in a user's clone), the model."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
MODEL = ROOT / "models" / "clinic.tar.gz"
VENV_BIN = ROOT / ".venv" / "bin"

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def load_yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "taxonomy.yml").is_file():
        pytest.skip("../shared is absent (a user's clone has none): checks against it are skipped")
    return SHARED


@pytest.fixture(scope="session")
def taxonomy(shared_dir: Path) -> dict:
    return load_yaml(shared_dir / "taxonomy.yml")


@pytest.fixture(scope="session")
def domain() -> dict:
    return load_yaml(ROOT / "domain.yml")


@pytest.fixture(scope="session")
def model_path() -> Path:
    if not MODEL.is_file():
        pytest.fail(f"no trained model at {MODEL}: run `make model` (make test does it for you)")
    return MODEL


@pytest.fixture(scope="session")
def agent(model_path: Path):
    """The trained model loaded in-process, for parse-level checks."""
    from rasa.core.agent import Agent

    return Agent.load(str(model_path))
