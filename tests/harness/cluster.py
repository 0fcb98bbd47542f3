"""The scale-out setup on loopback: PostgreSQL, Redis, N Rasa servers, N action servers, nginx in front.

The same environment variables as a real deployment (README "Scaling out", deploy/): every Rasa
server gets TRACKER_DB_URL (PostgreSQL) and LOCK_STORE_URL (Redis) and reaches the action servers
through nginx; every action server gets BOOKINGS_DB_URL (PostgreSQL). Used by tests/test_scale_out.py
(`make test-scale`) and benchmarks/load.py --replicas. Every wait is bounded and everything is
stopped in `finally`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests

from scripts.nginx_conf import render
from scripts.rasa_command import rasa_run_args
from tests.harness.infra import Server, missing_servers, start_nginx, start_postgres, start_redis
from tests.harness.paths import RASA, ROOT
from tests.harness.polling import free_port
from tests.harness.servers import stop_process, wait_ready


@dataclass
class Replica:
    name: str
    url: str
    log: Path
    start: Callable[[], subprocess.Popen]
    process: subprocess.Popen | None = None

    def kill(self) -> None:
        """Die at once, as a crashed machine would (SIGKILL: no clean shutdown)."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)


@dataclass
class Cluster:
    url: str  # nginx: what patients and messaging apps reach
    rasa: list[Replica]
    actions: list[Replica]
    tracker_db_url: str
    bookings_db_url: str
    lock_store_url: str
    api_token: str
    servers: dict[str, Server] = field(default_factory=dict)

    def send(
        self, sender: str, text: str, via: str | None = None, message_id: str | None = None, timeout: float = 60
    ) -> list[dict]:
        """A patient message over REST, through nginx or straight to one replica (`via`)."""
        body = {"sender": sender, "message": text}
        if message_id:
            body["message_id"] = message_id
        reply = requests.post(f"{via or self.url}/webhooks/rest/webhook", json=body, timeout=timeout)
        reply.raise_for_status()
        return reply.json()

    def tracker(self, sender: str, via: str | None = None) -> dict:
        reply = requests.get(
            f"{via or self.url}/conversations/{sender}/tracker", params={"token": self.api_token}, timeout=30
        )
        reply.raise_for_status()
        return reply.json()


@contextlib.contextmanager
def running_cluster(
    model: Path, log_dir: Path, replicas: int = 2, extra_env: dict[str, str] | None = None
) -> Iterator[Cluster]:
    missing = missing_servers()
    if missing:
        raise RuntimeError(
            f"the scale-out setup needs Debian's {', '.join(missing)} "
            "(scripts/ensure_servers.sh installs them; `make test` runs it)"
        )
    log_dir.mkdir(parents=True, exist_ok=True)
    started: list[Server] = []
    replicas_started: list[Replica] = []
    log_files = []
    try:
        postgres = start_postgres(("conversations", "bookings"))
        started.append(postgres)
        redis = start_redis()
        started.append(redis)
        nginx_port, action_entry = free_port(), free_port()
        token = secrets.token_urlsafe(24)
        env = {
            **os.environ,
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "SANIC_HOST": "127.0.0.1",
            "CLINIC_SITE_ORIGINS": f"http://127.0.0.1:{nginx_port}",
            "TRACKER_DB_URL": postgres.extra["urls"]["conversations"],
            "BOOKINGS_DB_URL": postgres.extra["urls"]["bookings"],
            "LOCK_STORE_URL": redis.url,
            "RASA_API_TOKEN": token,
            # A replica that dies holding a conversation's lock blocks it this long at most.
            "TICKET_LOCK_LIFETIME": "20",
            "ACTION_SERVER_URL": f"http://127.0.0.1:{action_entry}/webhook",
        }
        for name in ("RASA_JWT_SECRET", "RASA_ENABLE_API", "SMTP_HOST", "SMTP_PORT"):
            env.pop(name, None)
        env.update(extra_env or {})

        def replica(name: str, label: str, command: Callable[[int], list[str]], health: str, seconds: float) -> Replica:
            """A server on a free port, logged to log_dir, started (and restarted) by `start`."""
            port = free_port()
            log = log_dir / f"{name}.log"
            out = log.open("w")
            log_files.append(out)
            url = f"http://127.0.0.1:{port}"

            def start() -> subprocess.Popen:
                proc = subprocess.Popen(command(port), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
                wait_ready(lambda: requests.get(url + health, timeout=2).ok, proc, log, seconds, label)
                return proc

            return Replica(name, url, log, start)

        def action_replica(i: int) -> Replica:
            return replica(
                f"action-server-{i}",
                f"action server {i}",
                lambda port: [str(RASA), "run", "actions", "--actions", "actions", "--port", str(port)],
                "/health",
                120,
            )

        def rasa_replica(i: int) -> Replica:
            return replica(
                f"rasa-server-{i}",
                f"Rasa server {i}",
                lambda port: [str(RASA), *rasa_run_args(str(model), "127.0.0.1", port, env, "credentials.yml")],
                "",
                400,
            )

        actions = [action_replica(i + 1) for i in range(replicas)]
        rasa = [rasa_replica(i + 1) for i in range(replicas)]
        replicas_started += actions + rasa
        _start_all(actions + rasa)
        nginx = start_nginx(
            lambda directory: render(
                f"127.0.0.1:{nginx_port}",
                f"127.0.0.1:{action_entry}",
                [r.url[len("http://") :] for r in rasa],
                [a.url[len("http://") :] for a in actions],
                directory,
            ),
            nginx_port,
        )
        started.append(nginx)
        yield Cluster(
            nginx.url,
            rasa,
            actions,
            env["TRACKER_DB_URL"],
            env["BOOKINGS_DB_URL"],
            redis.url,
            token,
            {"postgres": postgres, "redis": redis, "nginx": nginx},
        )
    finally:
        for replica in replicas_started:
            stop_process(replica.process)
        for server in reversed(started):
            server.stop(keep_log=log_dir / f"{server.name}.log")
        for out in log_files:
            out.close()


def _start_all(replicas: list[Replica]) -> None:
    """Start replicas side by side (each waits for its own health check); raise the first failure."""
    failures: list[BaseException] = []

    def start(replica: Replica) -> None:
        try:
            replica.process = replica.start()
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=start, args=(r,)) for r in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    if failures:
        raise failures[0]
