"""Real PostgreSQL, Redis and nginx servers on loopback for the scale-out tests and benchmark.

Each starter makes a private data directory, picks free ports, listens on 127.0.0.1 only, waits a
bounded time for the server to answer, and returns a handle whose `stop()` ends it. The servers are
Debian's packages (scripts/ensure_servers.sh installs them for `make test`); PostgreSQL refuses to
run as root, so when the tests run as root it runs as the `postgres` system user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.harness.polling import free_port, wait_for_port


def postgres_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def missing_servers() -> list[str]:
    """What is not installed, in the words of the Debian package to install."""
    wanted = {
        "postgresql": postgres_binary("postgres") and postgres_binary("initdb"),
        "redis-server": shutil.which("redis-server"),
        "nginx-light": shutil.which("nginx") or os.path.exists("/usr/sbin/nginx"),
    }
    return [package for package, found in wanted.items() if not found]


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    port: int
    url: str
    directory: Path
    log: Path
    extra: dict = field(default_factory=dict)

    def stop(self, timeout: float = 15, keep_log: Path | None = None) -> None:
        """Stop the server and delete its data; `keep_log` saves its log there first."""
        if self.process.poll() is None:
            # SIGINT: PostgreSQL's fast shutdown (SIGTERM would wait for clients); Redis and nginx
            # stop on it too.
            # The whole process group: under runuser, postgres itself must get the signal.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGINT if self.name == "postgres" else signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        if keep_log is not None and self.log.exists():
            shutil.copyfile(self.log, keep_log)
        shutil.rmtree(self.directory, ignore_errors=True)


def _private_dir(prefix: str, owner: str | None = None) -> Path:
    directory = Path(tempfile.mkdtemp(prefix=prefix))
    if owner:
        shutil.chown(directory, owner, owner)
    return directory


def start_postgres(databases: tuple = ("clinic",), user: str = "clinic", password: str = "clinic-test") -> Server:
    """A throw-away PostgreSQL cluster with the given databases and one password user.

    `url` is the first database's SQLAlchemy URL; `extra["urls"]` maps each database to its URL.
    """
    as_root = os.geteuid() == 0
    owner = "postgres" if as_root else None
    run_as = ["runuser", "-u", "postgres", "--"] if as_root else []
    directory = _private_dir("clinic-pg-", owner)
    data = directory / "data"
    pwfile = directory / "pw"
    pwfile.write_text(password + "\n")
    if owner:
        shutil.chown(pwfile, owner, owner)
    subprocess.run(
        run_as
        + [
            postgres_binary("initdb"),
            "-D",
            str(data),
            "-U",
            user,
            "--pwfile",
            str(pwfile),
            "-A",
            "scram-sha-256",
            "-E",
            "UTF8",
            "--locale",
            "C.UTF-8",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = free_port()
    log = directory / "postgres.log"
    with open(log, "wb") as out:
        if owner:
            shutil.chown(log, owner, owner)
        process = subprocess.Popen(
            run_as
            + [
                postgres_binary("postgres"),
                "-D",
                str(data),
                "-p",
                str(port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                f"unix_socket_directories={directory}",
                "-c",
                "max_connections=200",
                "-c",
                "fsync=off",
                "-c",
                "full_page_writes=off",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    wait_for_port(port, 60, process)
    base = f"postgresql+psycopg2://{user}:{password}@127.0.0.1:{port}"
    urls = {}
    for database in databases:
        _create_database(base + "/postgres", database)
        urls[database] = f"{base}/{database}"
    return Server("postgres", process, port, urls[databases[0]], directory, log, {"urls": urls})


def _create_database(admin_url: str, database: str) -> None:
    import sqlalchemy

    deadline = time.monotonic() + 30
    while True:
        try:
            engine = sqlalchemy.create_engine(admin_url, isolation_level="AUTOCOMMIT")
            with engine.connect() as connection:
                connection.execute(sqlalchemy.text(f'CREATE DATABASE "{database}"'))
            engine.dispose()
            return
        except sqlalchemy.exc.OperationalError:  # still starting up
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def start_redis(password: str = "clinic-test") -> Server:
    directory = _private_dir("clinic-redis-")
    port = free_port()
    log = directory / "redis.log"
    process = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
            "--requirepass",
            password,
            "--logfile",
            str(log),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_for_port(port, 30, process)
    return Server("redis", process, port, f"redis://:{password}@127.0.0.1:{port}/0", directory, log)


def start_nginx(render: Callable[[str], str], port: int) -> Server:
    """nginx in the foreground; `render(directory)` gives its config, which listens on 127.0.0.1:port."""
    directory = _private_dir("clinic-nginx-")
    directory.chmod(0o755)  # run as root, nginx's workers are `nobody` and write temp files here
    (directory / "nginx.conf").write_text(render(str(directory)))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    log = directory / "error.log"
    process = subprocess.Popen(
        [nginx, "-p", str(directory), "-c", str(directory / "nginx.conf"), "-g", "daemon off;", "-e", str(log)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    wait_for_port(port, 20, process)
    return Server("nginx", process, port, f"http://127.0.0.1:{port}", directory, log)
