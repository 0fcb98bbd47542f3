"""Scale-out on real servers (`make test-scale`): two Rasa servers and two action servers behind nginx,
sharing PostgreSQL (conversations, bookings) and Redis (conversation locks). tests/harness/cluster.py starts
them on loopback with the same environment variables a deployment uses.

What a clinic group needs to be true, checked here:
  - a conversation whose messages alternate between replicas carries on, booking form included;
  - messages of one patient sent at the same time are answered one at a time, in order;
  - a Rasa replica killed mid-run loses no conversation and no booking (nginx moves on, the client
    retries with its message id);
  - every booking row is in the database exactly once, and its practitioner e-mail went out once;
  - the web chat (socket.io) works through nginx, whose ip_hash keeps each browser on one replica.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from clinic.store import conversation_key
from tests.harness.cluster import running_cluster
from tests.harness.conversations import BOOKING, reference_in, rows, said
from tests.harness.paths import ROOT
from tests.harness.polling import wait_until
from tests.harness.servers import TUESDAY_TEN

pytestmark = pytest.mark.slow
NOW = TUESDAY_TEN  # Tuesday 10:00 in London: the clinic is open


@pytest.fixture(scope="module")
def cluster(model_path, smtp):
    env = {
        "CLINIC_CLOCK": NOW,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "SMTP_TIMEOUT": "3",
        "OUTBOX_RETRY_SECONDS": "1",
    }
    with running_cluster(model_path, ROOT / "results" / "scale-logs", replicas=2, extra_env=env) as running:
        yield running


def test_a_booking_form_filled_across_both_replicas_lands_once(cluster, smtp):
    patient = f"alt-{uuid.uuid4().hex[:8]}"
    replicas = [r.url for r in cluster.rasa]
    reply = ""
    for turn, (message, expected) in enumerate(BOOKING):
        reply = said(cluster.send(patient, message, via=replicas[turn % 2]))  # 1, 2, 1, 2, ...
        assert expected in reply, (turn, message, reply)
    reference = reference_in(reply)
    [row] = rows(cluster.bookings_db_url, "select * from booking_requests where reference = :r", r=reference)
    assert row["name"] == "Sam Taylor" and row["contact"] == "+442079460123"
    wait_until(lambda: any(reference in m["Subject"] for m in smtp.messages), 20)
    assert sum(reference in m["Subject"] for m in smtp.messages) == 1
    # Both replicas see the whole conversation in the shared tracker store.
    for url in replicas:
        events = cluster.tracker(patient, via=url)["events"]
        assert [e["text"] for e in events if e["event"] == "user"] == [m for m, _ in BOOKING]


def test_messages_of_one_patient_sent_at_once_are_answered_one_at_a_time_in_order(cluster):
    patient = f"burst-{uuid.uuid4().hex[:8]}"
    questions = [
        "what is mesotherapy?",
        "does it hurt?",
        "how long does it last?",
        "how many sessions?",
        "is there downtime?",
        "where is the clinic?",
        "when are you open?",
        "can I wear makeup after?",
    ]
    results = {}

    def ask(i: int) -> None:
        time.sleep(0.25 * i)  # sent in this order, each before the previous one is answered
        results[i] = cluster.send(patient, questions[i])

    with ThreadPoolExecutor(len(questions)) as pool:
        list(pool.map(ask, range(len(questions))))
    assert all(results[i] for i in range(len(questions))), "every message got a reply"
    events = [e for e in cluster.tracker(patient)["events"] if e["event"] in ("user", "bot", "action")]
    users = [e["text"] for e in events if e["event"] == "user"]
    assert users == questions
    # One at a time: after each message, its whole turn (actions, replies, back to listening)
    # comes before the next message.
    turns = []
    for event in events:
        if event["event"] == "user":
            turns.append([])
        elif turns:
            turns[-1].append(event)
    for turn in turns:
        assert turn and turn[-1].get("name") == "action_listen", turn
        assert sum(e.get("name") == "action_listen" for e in turn) == 1, turn


def _patient_books_with_retries(cluster, patient: str, log: list[str]) -> str:
    """A patient's whole booking through nginx; a failed request is sent again with the same id."""
    reply = ""
    for turn, (message, expected) in enumerate(BOOKING):
        message_id = f"{patient}-{turn}"
        for attempt in range(20):
            try:
                reply = said(cluster.send(patient, message, message_id=message_id, timeout=60))
                break
            except requests.RequestException as error:
                log.append(f"{patient} turn {turn} attempt {attempt}: {type(error).__name__}")
                time.sleep(0.5)
        else:
            raise AssertionError(f"{patient}: no answer to {message!r}")
        assert expected in reply, (patient, turn, message, reply)
        time.sleep(0.3)
    return reference_in(reply)


def test_the_web_chat_works_through_nginx_with_sticky_sessions(cluster):
    import socketio

    replies, done, confirmed = [], threading.Event(), threading.Event()
    client = socketio.Client(reconnection=False)

    @client.on("bot_uttered")
    def on_reply(data):
        replies.append(data)
        if "mesotherapy" in (data.get("text") or "").lower():
            done.set()

    @client.on("session_confirm")
    def on_session(data):
        confirmed.set()

    # Long-polling first (several HTTP requests that must reach the same replica), then websocket.
    client.connect(
        cluster.url,
        transports=["polling", "websocket"],
        socketio_path="socket.io",
        headers={"Origin": cluster.url},
        wait_timeout=20,
    )
    try:
        session = f"web-{uuid.uuid4().hex[:8]}"
        client.emit("session_request", {"session_id": session})
        confirmed.wait(10)  # the session is set up before the message is sent
        client.emit("user_uttered", {"message": "what is mesotherapy?", "session_id": session})
        assert done.wait(30), replies
    finally:
        client.disconnect()


def test_a_rasa_replica_killed_mid_run_loses_no_conversation_and_no_booking(cluster, smtp):
    patients = [f"kill-{i}-{uuid.uuid4().hex[:6]}" for i in range(8)]
    retried: list[str] = []
    killer = threading.Timer(2.5, cluster.rasa[0].kill)
    killer.start()
    try:
        with ThreadPoolExecutor(len(patients)) as pool:
            references = list(pool.map(lambda p: _patient_books_with_retries(cluster, p, retried), patients))
    finally:
        killer.cancel()
        killed = cluster.rasa[0].process.poll() is not None
    # No restart: the tests after this one read the databases only (a restart cost ~35 s of the suite).
    assert killed, "the replica was killed during the run"
    (ROOT / "results" / "scale-logs" / "kill-run.json").write_text(
        json.dumps(
            {
                "patients": len(patients),
                "messages": len(patients) * len(BOOKING),
                "retried_requests": len(retried),
                "retries": retried,
            },
            indent=2,
        )
    )
    assert len(set(references)) == len(patients)
    for patient, reference in zip(patients, references):  # each patient's booking exactly once
        stored = rows(
            cluster.bookings_db_url,
            "select reference from booking_requests where conversation_key = :k",
            k=conversation_key(patient),
        )
        assert [r["reference"] for r in stored] == [reference], (patient, retried)
    for patient in patients:  # every conversation is whole: each message once, in order
        users = [e["text"] for e in cluster.tracker(patient)["events"] if e["event"] == "user"]
        assert users == [m for m, _ in BOOKING], (patient, users)


def test_no_booking_row_is_duplicated_anywhere(cluster):
    duplicates = rows(
        cluster.bookings_db_url,
        "select submission_key, count(*) as n from booking_requests "
        "where submission_key is not null group by submission_key "
        "having count(*) > 1",
    )
    assert duplicates == []
