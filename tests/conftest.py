"""Shared fixtures: the ../shared folder (absent in a user's clone), the model, stores, stand-ins, and the
real servers, started once for each clock setting (tests/harness/servers.py).

A test file that talks to the servers says which clock they run at, `pytestmark = pytest.mark.clock(
TUESDAY_TEN)` (None: the real clock), and asks for `servers`: every file with the same clock gets the
same servers, started the first time a test needs them and stopped after the last test that does.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.harness.paths import MODEL, RESULTS, ROOT, SHARED, load_yaml
from tests.harness.servers import ServerSets
from tests.harness.smtp import LoopbackSmtp

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

SERVER_SETS = pytest.StashKey[ServerSets]()
LAST_USERS = pytest.StashKey[dict]()  # test -> the clock whose servers no later test uses


def clock_of(node):
    mark = node.get_closest_marker("clock")
    if mark is None:
        raise pytest.UsageError(f"{node.nodeid} uses `servers`: say at which clock, pytest.mark.clock(...)")
    return mark.args[0]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """With `pytest -n 2 --dist loadgroup` (make test), the tests of a file run in one worker, in the
    file's order (its module fixtures start once, and a last test still sees what the first ones left:
    the staff screenshots), and every file that pins a clock runs in the worker of that clock's
    servers, so each set starts once. A worker takes the next file when it is free."""
    for item in items:
        mark = item.get_closest_marker("clock")
        group = f"servers-{mark.args[0]}" if mark is not None else item.path.name
        item.add_marker(pytest.mark.xdist_group(group))


def pytest_collection_finish(session):
    """Note the last test that uses each clock's servers (in the order they will run); by the test
    itself, since xdist's loadgroup renames tests (`...@servers-<clock>`)."""
    last = {}
    for item in session.items:
        if "servers" in item.fixturenames:
            last[clock_of(item)] = item
    session.config.stash[LAST_USERS] = {item: clock for clock, item in last.items()}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the last test that uses a clock's servers, stop them: at most two sets run at once."""
    yield
    sets = item.config.stash.get(SERVER_SETS, None)
    clock = item.config.stash.get(LAST_USERS, {}).get(item, "no set")
    if sets is not None and clock != "no set":
        sets.stop(clock)


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
    """The trained model loaded in-process, once a session: parse-level checks, and the `rasa test nlu` /
    `rasa test core --e2e` evaluations (tests/harness/inprocess.py), which would load it again."""
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
    server = LoopbackSmtp()
    server.start()
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(server.port))
    monkeypatch.setenv("SMTP_TIMEOUT", "5")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def smtp():
    """The real SMTP server on loopback that the shared servers and the scale-out cluster send to;
    `messages` is everything that arrived in the session."""
    server = LoopbackSmtp()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def server_sets(request, model_path, smtp, tmp_path_factory):
    sets = ServerSets(model_path, RESULTS / "servers", tmp_path_factory.mktemp("servers"), smtp.port)
    request.config.stash[SERVER_SETS] = sets
    try:
        yield sets
    finally:
        sets.stop_all()


@pytest.fixture(scope="module")
def servers(request, server_sets):
    """The action server and Rasa server at this module's clock (pytest.mark.clock), shared with every
    module at the same clock: a test tells its conversations apart by their sender ids."""
    return server_sets.get(clock_of(request.node))


@pytest.fixture(scope="module")
def db_url(servers) -> str:
    """The bookings database of this module's servers."""
    return servers.bookings_db_url


@pytest.fixture(scope="module")
def apis(servers):
    """The Telegram Bot API and Twilio stand-ins this module's servers send to."""
    return servers.apis
