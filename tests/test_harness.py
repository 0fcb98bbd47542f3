"""The test harness itself: a failing test must not leave its servers running beside the next ones."""

import subprocess
import sys

import pytest

from tests.harness.servers import wait_ready


def test_a_server_never_ready_is_stopped_when_the_wait_gives_up(tmp_path):
    log = tmp_path / "server.log"
    log.write_text("starting\n")
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        with pytest.raises(TimeoutError, match="never-ready server not ready"):
            wait_ready(lambda: False, proc, log, 1, "never-ready server")
        assert proc.poll() is not None, "the server the caller never got is still running"
    finally:
        proc.kill()
        proc.wait()
