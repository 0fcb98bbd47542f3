"""The real action server and Rasa server on loopback ports, and the clinic page when asked for.

`running_servers` starts one set for a test or a benchmark and stops it after. `ServerSets` keeps one
set for each clock setting for a whole test session (tests/conftest.py): every test file that pins the
same clock talks to the same servers, which are started the first time they are needed and stopped
after the last test that needs them. Every wait is bounded, every process is stopped in `finally`, and
every server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests

from scripts.rasa_command import rasa_run_args
from tests.harness.fake_apis import FakeApis
from tests.harness.paths import RASA, ROOT, VENV_BIN
from tests.harness.polling import free_port, wait_until

# The clocks the end-to-end tests pin (CLINIC_CLOCK, read by the action server), in London time.
TUESDAY_TEN = "2026-11-24T10:00:00+00:00"  # the clinic is open
SATURDAY_ELEVEN = "2026-11-21T11:00:00+00:00"  # open; days named without a date are ahead
SUNDAY_NOON = "2026-11-29T12:00:00+00:00"  # closed on Sundays
# Rasa's HTTP API is on (token and JWT) in every set but this clock's, whose tests check that a
# clinic's default, the API off, holds.
API_OFF = {SUNDAY_NOON}

# The messaging channels as every shared set opens them (tests/credentials_channels.yml), pointed at
# the set's Telegram and Twilio stand-ins. Fake values.
TELEGRAM_SECRET = "telegram-webhook-secret-for-tests"
TWILIO_TOKEN = "twilio-auth-token-for-tests"
WHATSAPP_NUMBER = "whatsapp:+442079460321"
TELEGRAM_WEBHOOK = "https://clinic.example/webhooks/telegram/webhook"
TWILIO_WEBHOOK = "https://clinic.example/webhooks/twilio/webhook"
CHANNEL_CREDENTIALS = "tests/credentials_channels.yml"


def channel_env(api_base_url: str) -> dict[str, str]:
    return {
        "TELEGRAM_TOKEN": "123456:TEST-token",
        "TELEGRAM_BOT_NAME": "clinic_test_bot",
        "TELEGRAM_WEBHOOK_URL": TELEGRAM_WEBHOOK,
        "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
        "TELEGRAM_API_BASE_URL": api_base_url,
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_NUMBER": WHATSAPP_NUMBER,
        "TWILIO_WEBHOOK_URL": TWILIO_WEBHOOK,
        "TWILIO_API_BASE_URL": api_base_url,
    }


@dataclass
class Servers:
    rasa_url: str
    action_url: str
    logs: dict[str, Path]
    tracker_db_url: str
    bookings_db_url: str | None
    start_rasa: Callable[[], subprocess.Popen]
    start_actions: Callable[[], subprocess.Popen]
    start_page: Callable[[], subprocess.Popen]
    page_origin: str
    rasa: subprocess.Popen | None = None
    actions: subprocess.Popen | None = None
    page: subprocess.Popen | None = None
    page_url: str | None = None  # set once the clinic page is served (open_page)
    api_token: str | None = None  # set when the HTTP API is on (token authentication)
    jwt_secret: str | None = None
    apis: FakeApis | None = None  # the Telegram and Twilio stand-ins, for a shared set
    clock: str | None = None

    def restart_rasa(self) -> None:
        """Stop the Rasa server (SIGTERM) and start it again on the same port, same stores."""
        stop_process(self.rasa)
        self.rasa = self.start_rasa()

    def stop_actions(self) -> None:
        stop_process(self.actions)

    def restart_actions(self) -> None:
        stop_process(self.actions)
        self.actions = self.start_actions()

    def open_page(self) -> str:
        """Serve the clinic page with the chat widget (the origin the Rasa server accepts); its URL."""
        if self.page is None or self.page.poll() is not None:
            self.page = self.start_page()
            self.page_url = self.page_origin + "/"
        return self.page_url

    def send(self, sender: str, message: str, timeout: float = 30) -> list[dict]:
        """One patient message over the REST channel; the bot's replies."""
        reply = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=timeout
        )
        reply.raise_for_status()
        return reply.json()

    def empty_stores(self) -> None:
        """Delete every conversation and every booking, as if the servers had just started on new
        databases (for a test that counts everything in them)."""
        import sqlalchemy as sa

        for url in filter(None, (self.tracker_db_url, self.bookings_db_url)):
            engine = sa.create_engine(url)
            try:
                tables = sa.MetaData()
                tables.reflect(engine)
                with engine.begin() as connection:
                    for table in reversed(tables.sorted_tables):
                        connection.execute(table.delete())
            finally:
                engine.dispose()


def wait_ready(check: Callable[[], bool], proc: subprocess.Popen, log: Path, seconds: float, what: str) -> None:
    """Poll `check` until it is true; fail at once if the process exits, with its log's end. A process not
    ready in time is stopped before the error: its caller never got it to stop (a scale-out run on a busy
    machine left two Rasa servers running after its test had failed)."""

    def ready() -> bool:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(requests.RequestException):
            return bool(check())
        return False

    if not wait_until(ready, seconds, 0.25):
        stop_process(proc)
        raise TimeoutError(f"{what} not ready after {seconds:.0f}s:\n{log.read_text()[-3000:]}")


def stop_process(*procs: subprocess.Popen | None) -> None:
    """SIGTERM to each running process at once, then wait for each (SIGKILL after 20 s)."""
    running = [proc for proc in procs if proc is not None and proc.poll() is None]
    for proc in running:
        proc.send_signal(signal.SIGTERM)
    for proc in running:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextlib.contextmanager
def running_servers(
    model: Path,
    log_dir: Path,
    extra_env: dict[str, str] | None = None,
    page: bool = False,
    credentials: str = "credentials.yml",
    enable_api: bool = False,
) -> Iterator[Servers]:
    """Action server, Rasa server and (page=True, or open_page() later) the clinic page, on loopback.

    enable_api=True turns Rasa's HTTP API on the way a clinic does, with a (random) RASA_API_TOKEN;
    extra_env can set RASA_API_TOKEN / RASA_JWT_SECRET itself.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    action_port, rasa_port, page_port = free_port(), free_port(), free_port()
    page_origin = f"http://127.0.0.1:{page_port}"
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SANIC_HOST": "127.0.0.1",
        "CLINIC_SITE_ORIGINS": page_origin,
        "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
        **(extra_env or {}),
    }
    for name in ("RASA_API_TOKEN", "RASA_JWT_SECRET", "RASA_ENABLE_API"):
        if name not in (extra_env or {}):
            env.pop(name, None)  # the API is what each test asks for, not what the shell had
    if enable_api and "RASA_API_TOKEN" not in env:
        env["RASA_API_TOKEN"] = secrets.token_urlsafe(24)
    logs = {
        "actions": log_dir / "action-server.log",
        "rasa": log_dir / "rasa-server.log",
        "page": log_dir / "page-server.log",
    }
    if "TRACKER_DB_URL" not in (extra_env or {}):  # each run starts with no conversations
        (log_dir / "conversations.db").unlink(missing_ok=True)
        env["TRACKER_DB_URL"] = f"sqlite:///{log_dir / 'conversations.db'}"
    with (
        logs["actions"].open("w") as action_log,
        logs["rasa"].open("w") as rasa_log,
        logs["page"].open("w") as page_log,
    ):
        action_url = f"http://127.0.0.1:{action_port}"
        rasa_url = f"http://127.0.0.1:{rasa_port}"

        def launch_actions() -> subprocess.Popen:
            return subprocess.Popen(
                [str(RASA), "run", "actions", "--actions", "actions", "--port", str(action_port)],
                cwd=ROOT,
                env=env,
                stdout=action_log,
                stderr=subprocess.STDOUT,
            )

        def actions_ready(proc: subprocess.Popen) -> subprocess.Popen:
            wait_ready(
                lambda: requests.get(f"{action_url}/health", timeout=2).ok, proc, logs["actions"], 120, "action server"
            )
            return proc

        def launch_rasa() -> subprocess.Popen:
            return subprocess.Popen(
                [str(RASA), *rasa_run_args(str(model), "127.0.0.1", rasa_port, env, credentials)],
                cwd=ROOT,
                env=env,
                stdout=rasa_log,
                stderr=subprocess.STDOUT,
            )

        def rasa_ready(proc: subprocess.Popen) -> subprocess.Popen:
            wait_ready(lambda: requests.get(rasa_url, timeout=2).ok, proc, logs["rasa"], 300, "Rasa server")
            return proc

        def start_page() -> subprocess.Popen:
            proc = subprocess.Popen(
                [
                    str(VENV_BIN / "python"),
                    "scripts/serve_page.py",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(page_port),
                    "--rasa-url",
                    rasa_url,
                ],
                cwd=ROOT,
                env=env,
                stdout=page_log,
                stderr=subprocess.STDOUT,
            )
            wait_ready(lambda: requests.get(page_origin + "/", timeout=2).ok, proc, logs["page"], 30, "page server")
            return proc

        servers = Servers(
            rasa_url,
            action_url,
            logs,
            env["TRACKER_DB_URL"],
            env.get("BOOKINGS_DB_URL"),
            lambda: rasa_ready(launch_rasa()),
            lambda: actions_ready(launch_actions()),
            start_page,
            page_origin,
            api_token=env.get("RASA_API_TOKEN"),
            jwt_secret=env.get("RASA_JWT_SECRET"),
            clock=env.get("CLINIC_CLOCK"),
        )
        try:
            # Both start at once: the Rasa server needs the action server only for a conversation.
            servers.actions = launch_actions()
            servers.rasa = launch_rasa()
            actions_ready(servers.actions)
            rasa_ready(servers.rasa)
            if page:
                servers.open_page()
            yield servers
        finally:
            stop_process(servers.page, servers.rasa, servers.actions)


@dataclass
class ServerSets:
    """One set of servers for each clock setting, started when first asked for, for a test session.

    Every set is the same but for its clock (and API_OFF): all channels (REST, socket.io, Telegram,
    WhatsApp) with its own Telegram/Twilio stand-ins, its own conversations and bookings databases,
    the session's SMTP server, the outbox retried every second, the HTTP API on with a token and a JWT
    secret. `None` is the real clock.
    """

    model: Path
    log_root: Path
    scratch: Path
    smtp_port: int
    _open: dict[str | None, contextlib.ExitStack] = field(default_factory=dict)
    _sets: dict[str | None, Servers] = field(default_factory=dict)

    @staticmethod
    def label(clock: str | None) -> str:
        return "real-clock" if clock is None else "clock-" + clock[:16].replace(":", "")

    def get(self, clock: str | None) -> Servers:
        if clock not in self._sets:
            stack = contextlib.ExitStack()
            try:
                apis = stack.enter_context(FakeApis())
                label = self.label(clock)
                env = {
                    **channel_env(apis.url),
                    "BOOKINGS_DB_URL": f"sqlite:///{self.scratch / (label + '-bookings.db')}",
                    "SMTP_HOST": "127.0.0.1",
                    "SMTP_PORT": str(self.smtp_port),
                    "SMTP_TIMEOUT": "3",
                    "OUTBOX_RETRY_SECONDS": "1",
                }
                if clock is not None:
                    env["CLINIC_CLOCK"] = clock
                if clock not in API_OFF:
                    env.update(RASA_API_TOKEN=secrets.token_urlsafe(24), RASA_JWT_SECRET=secrets.token_urlsafe(24))
                servers = stack.enter_context(
                    running_servers(self.model, self.log_root / label, env, credentials=CHANNEL_CREDENTIALS)
                )
            except BaseException:
                stack.close()
                raise
            servers.apis = apis
            self._open[clock], self._sets[clock] = stack, servers
        return self._sets[clock]

    def stop(self, clock: str | None) -> None:
        """Stop a set no test needs any more (it would start again if one did)."""
        self._sets.pop(clock, None)
        stack = self._open.pop(clock, None)
        if stack is not None:
            stack.close()

    def stop_all(self) -> None:
        for clock in list(self._open):
            self.stop(clock)


@dataclass
class StaffApp:
    url: str
    proc: subprocess.Popen
    log: Path
    env: dict[str, str]

    def add_account(self, email: str, role: str, password: str) -> None:
        """`make staff ARGS="add ..."` with the password on standard input, as a script gives it."""
        out = subprocess.run(
            [str(VENV_BIN / "python"), "-m", "staff.cli", "add", email, "--role", role],
            cwd=ROOT,
            env=self.env,
            input=password + "\n",
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr


@contextlib.contextmanager
def running_staff_app(log_dir: Path, extra_env: dict[str, str] | None = None) -> Iterator[StaffApp]:
    """The staff app (python -m staff.app, waitress) on a loopback port; BOOKINGS_DB_URL etc. from extra_env."""
    log_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {**os.environ, "STAFF_SECRET_KEY": secrets.token_urlsafe(32), **(extra_env or {})}
    log = log_dir / "staff-app.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(VENV_BIN / "python"), "-m", "staff.app", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_ready(lambda: requests.get(f"{url}/healthz", timeout=2).ok, proc, log, 60, "staff app")
            yield StaffApp(url, proc, log, env)
        finally:
            stop_process(proc)
