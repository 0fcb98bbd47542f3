"""The fine-tuned second reading of report-or-not (components/report_reader.py): it learns what the
training examples teach, and the weights the model archive keeps give the same probabilities back."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from components.report_reader import ReaderPanel, ReaderTraining, ReportReader
from tests.harness.paths import ROOT

pytestmark = pytest.mark.slow

MODEL = str(ROOT / "lang" / "all-MiniLM-L6-v2")
# Our own toy examples: the same words as a report and as something that is over or hypothetical.
REPORTS = [
    "my lips are swelling up and my throat feels tight",
    "the skin on my cheek has gone white and it really hurts",
    "there is pus coming out of one of the injection marks",
    "my vision went blurry an hour after the treatment",
    "it keeps bleeding even though I press on it",
    "big red lumps have come up where the needles went",
]
OTHERS = [
    "what if my lips swell after the treatment?",
    "the redness went away after an hour, all good",
    "how long does the treatment take?",
    "no swelling at all, my skin looks great",
    "can I wear make-up the day after?",
    "what are the warning signs I should watch out for?",
]


@pytest.fixture(scope="module")
def trained() -> ReportReader:
    if not (ROOT / "lang" / "all-MiniLM-L6-v2").exists():
        pytest.skip("lang/ not built (make model builds it)")
    reader = ReportReader(MODEL)
    texts = REPORTS + OTHERS
    reader.train(texts, np.array([1] * len(REPORTS) + [0] * len(OTHERS)), epochs=8, learning_rate=1e-4, seed=0)
    return reader


def test_it_learns_reports_from_the_rest(trained):
    reports = trained.probabilities(REPORTS)
    others = trained.probabilities(OTHERS)
    assert min(reports) > max(others), (reports, others)


def test_the_stored_weights_read_the_same(trained):
    """What the archive keeps (float16) gives the trained reader's probabilities back, to within 0.02."""
    again = ReportReader(MODEL, trained.weights())
    for text in REPORTS + OTHERS:
        assert again.probability(text) == pytest.approx(trained.probability(text), abs=0.02)


def test_stored_weights_of_another_shape_are_refused(trained):
    with pytest.raises(ValueError):
        ReportReader(MODEL, trained.weights()[:-1])


def test_readers_asked_together_read_as_each_does_alone(trained):
    """ReaderPanel runs the readers in one compiled call; each probability is the reader's own."""
    other = ReportReader(MODEL, trained.weights())  # a second reader: the stored weights, read back
    panel = ReaderPanel([trained, other])
    for text in REPORTS[:3] + OTHERS[:3]:
        together = panel.probabilities(text)
        assert together == pytest.approx([trained.probability(text), other.probability(text)], abs=1e-5)


def test_readers_trained_in_their_own_processes_are_the_ones_trained_here(trained):  # trained: lang/ is built
    """ReaderTraining (the readers beside the check's networks, in spawned processes) gives the weights a
    reader trained in this process has, bit for bit: the model does not depend on where a reader trained."""
    here = ReportReader(MODEL)
    texts = REPORTS + OTHERS
    labels = np.array([1] * len(REPORTS) + [0] * len(OTHERS))
    here.train(texts, labels, epochs=1, learning_rate=1e-4, seed=3)  # one epoch: the weights must match, not learn
    (elsewhere,) = ReaderTraining(MODEL, texts, labels, epochs=1, learning_rate=1e-4, seeds=[3]).readers()
    assert all(np.array_equal(a, b) for a, b in zip(here.weights(), elsewhere.weights()))
    assert elsewhere.probabilities(REPORTS) == pytest.approx(here.probabilities(REPORTS), abs=0.02)


# A training that starts two jobs in processes of their own, as it starts its readers; each job writes its pid to
# a marker file once it runs (its parent watch started before it), then sleeps ten minutes.
_KILLED_TRAINING = """
import sys, time
from components.report_reader import start_in_own_process
from tests.harness.processes import mark_and_sleep
runs = [start_in_own_process(mark_and_sleep, f"{sys.argv[1]}/{i}", 600) for i in range(2)]
time.sleep(600)
"""


def _stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name ([] once the process is gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return []


def _running(pid: int) -> bool:
    fields = _stat(pid)
    return bool(fields) and fields[0] not in ("Z", "X")  # a zombie has ended; only its exit status waits


def _cpu_seconds(pid: int) -> float:
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") if fields else 0.0  # utime + stime


def test_a_killed_training_leaves_no_reader_training_on(tmp_path) -> None:
    """`rasa train` killed (SIGKILL: no clean-up runs) takes its readers' processes with it, instead of
    leaving them training for many minutes beside whatever runs next."""
    training = subprocess.Popen([sys.executable, "-c", _KILLED_TRAINING, str(tmp_path)], cwd=ROOT)
    markers = [tmp_path / "0", tmp_path / "1"]
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 300  # two Rasa imports on a busy machine
        while not all(m.exists() and m.read_text() for m in markers) and time.monotonic() < deadline:
            time.sleep(0.5)
        workers = [int(m.read_text()) for m in markers if m.exists() and m.read_text()]
        assert len(workers) == 2 and all(_running(pid) for pid in workers)
        os.kill(training.pid, signal.SIGKILL)
        training.wait(timeout=30)
        deadline = time.monotonic() + 20  # each checks its parent every PARENT_CHECK_SECONDS
        while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_running(pid) for pid in workers)
    finally:
        training.kill()
        training.wait(timeout=30)
        for pid in workers:  # left over only if the test failed: do not leave them running
            if _running(pid):
                os.kill(pid, signal.SIGKILL)


def _two_readers_well_into_training() -> tuple[ReaderTraining, list[int]]:
    """A two-reader training of minutes, and its processes' pids, once both have used 30 s of CPU (past
    loading, into training) or 300 s have passed."""
    before = {process.pid for process in multiprocessing.active_children()}
    texts, labels = (REPORTS + OTHERS) * 20, np.array(([1] * len(REPORTS) + [0] * len(OTHERS)) * 20)
    readers = ReaderTraining(MODEL, texts, labels, epochs=50, learning_rate=1e-4, seeds=[0, 1])  # minutes
    workers = [process.pid for process in multiprocessing.active_children() if process.pid not in before]
    deadline = time.monotonic() + 300
    while min(_cpu_seconds(pid) for pid in workers) < 30 and time.monotonic() < deadline:
        time.sleep(1)
    return readers, workers


def test_a_failed_training_stops_its_readers(trained):  # trained: lang/ is built
    """A training that fails while its readers train (components/warning_signs.py: the networks raised)
    stops them at once instead of waiting minutes for them to finish."""
    readers, workers = _two_readers_well_into_training()
    assert min(_cpu_seconds(pid) for pid in workers) >= 30
    started = time.monotonic()
    readers.close()
    assert time.monotonic() - started < 30
    assert len(workers) == 2 and not any(_running(pid) for pid in workers)


def test_a_reader_killed_mid_training_fails_the_training_instead_of_hanging(trained):  # trained: lang/ is built
    """A reader's process that dies (killed for memory, say) ends the training with an error naming it, and
    the other reader is stopped: `rasa train` neither waits for ever nor leaves a reader behind."""
    readers, workers = _two_readers_well_into_training()
    os.kill(workers[1], signal.SIGKILL)
    started = time.monotonic()
    with pytest.raises(RuntimeError, match=r"reader \d failed: its process ended \(exit code -9\)"):
        readers.readers()
    assert time.monotonic() - started < 30
    assert not any(_running(pid) for pid in workers)
