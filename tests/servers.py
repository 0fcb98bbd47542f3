"""Start the real action server and Rasa server on loopback ports for a test, and stop them after.

Used by end-to-end tests and the latency benchmark. Every wait is bounded, every process is stopped
in `finally`, and both servers listen on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

from scripts.rasa_command import rasa_run_args

ROOT = Path(__file__).resolve().parent.parent
RASA = ROOT / ".venv" / "bin" / "rasa"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Servers:
    rasa_url: str
    action_url: str
    rasa: subprocess.Popen
    actions: subprocess.Popen
    logs: dict[str, Path]
    page_url: str | None = None
    api_token: str | None = None  # set when the HTTP API is on (token authentication)
    start_rasa: Callable[[], subprocess.Popen] | None = None
    start_actions: Callable[[], subprocess.Popen] | None = None

    def restart_rasa(self) -> None:
        """Stop the Rasa server (SIGTERM) and start it again on the same port, same stores."""
        _stop(self.rasa)
        self.rasa = self.start_rasa()

    def stop_actions(self) -> None:
        _stop(self.actions)

    def restart_actions(self) -> None:
        _stop(self.actions)
        self.actions = self.start_actions()

    def send(self, sender: str, message: str, timeout: float = 30) -> list[dict]:
        """One patient message over the REST channel; the bot's replies."""
        reply = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=timeout
        )
        reply.raise_for_status()
        return reply.json()


def _wait(check, proc: subprocess.Popen, log: Path, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(requests.RequestException):
            if check():
                return
        time.sleep(0.5)
    raise TimeoutError(f"{what} not ready after {seconds:.0f}s:\n{log.read_text()[-3000:]}")


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
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
    """Action server, Rasa server and (page=True) the clinic page with the widget, on loopback.

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
        servers: Servers | None = None
        page_server = None
        action_url = f"http://127.0.0.1:{action_port}"
        rasa_url = f"http://127.0.0.1:{rasa_port}"

        def start_actions() -> subprocess.Popen:
            proc = subprocess.Popen(
                [str(RASA), "run", "actions", "--actions", "actions", "--port", str(action_port)],
                cwd=ROOT,
                env=env,
                stdout=action_log,
                stderr=subprocess.STDOUT,
            )
            _wait(
                lambda: requests.get(f"{action_url}/health", timeout=2).ok, proc, logs["actions"], 120, "action server"
            )
            return proc

        def start_rasa() -> subprocess.Popen:
            proc = subprocess.Popen(
                [str(RASA), *rasa_run_args(str(model), "127.0.0.1", rasa_port, env, credentials)],
                cwd=ROOT,
                env=env,
                stdout=rasa_log,
                stderr=subprocess.STDOUT,
            )
            _wait(lambda: requests.get(rasa_url, timeout=2).ok, proc, logs["rasa"], 300, "Rasa server")
            return proc

        try:
            servers = Servers(
                rasa_url, action_url, None, None, logs, None, env.get("RASA_API_TOKEN"), start_rasa, start_actions
            )
            servers.actions = start_actions()
            servers.rasa = start_rasa()
            if page:
                page_server = subprocess.Popen(
                    [
                        str(ROOT / ".venv" / "bin" / "python"),
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
                servers.page_url = page_origin + "/"
                _wait(
                    lambda: requests.get(servers.page_url, timeout=2).ok, page_server, logs["page"], 30, "page server"
                )
            yield servers
        finally:
            _stop(page_server)
            if servers is not None:
                _stop(servers.rasa)
                _stop(servers.actions)


@dataclass
class StaffApp:
    url: str
    proc: subprocess.Popen
    log: Path
    env: dict[str, str]

    def add_account(self, email: str, role: str, password: str) -> None:
        """`make staff ARGS="add ..."` with the password on standard input, as a script gives it."""
        out = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "python"), "-m", "staff.cli", "add", email, "--role", role],
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
            [str(ROOT / ".venv" / "bin" / "python"), "-m", "staff.app", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait(lambda: requests.get(f"{url}/healthz", timeout=2).ok, proc, log, 60, "staff app")
            yield StaffApp(url, proc, log, env)
        finally:
            _stop(proc)
