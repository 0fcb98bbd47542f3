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


@pytest.fixture
def clock_at(monkeypatch):
    """Pin the actions' clock: clock_at(2026, 11, 24, 19, 0) is 19:00 clinic time (Europe/London)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from clinic import clock

    def pin(*args) -> dt.datetime:
        moment = dt.datetime(*args, tzinfo=ZoneInfo("Europe/London"))
        monkeypatch.setattr(clock, "now", lambda: moment)
        return moment

    return pin


@pytest.fixture
def bookings_db(tmp_path, monkeypatch) -> str:
    """A fresh SQLite bookings database for one test; SMTP unset unless the test sets it."""
    url = f"sqlite:///{tmp_path / 'bookings.db'}"
    monkeypatch.setenv("BOOKINGS_DB_URL", url)
    for name in ("SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_STARTTLS", "SMTP_SSL"):
        monkeypatch.delenv(name, raising=False)
    return url


@pytest.fixture
def smtp_server(monkeypatch):
    """A real SMTP server (aiosmtpd) on a loopback port; .messages holds what it received."""
    from tests.smtp import LoopbackSmtp

    server = LoopbackSmtp()
    server.start()
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(server.port))
    monkeypatch.setenv("SMTP_TIMEOUT", "5")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def smtp():
    """A real SMTP server on loopback for a module's end-to-end tests; its `messages` are what arrived."""
    from tests.smtp import LoopbackSmtp

    server = LoopbackSmtp()
    server.start()
    yield server
    server.stop()
