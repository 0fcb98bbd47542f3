"""Two action servers on one PostgreSQL bookings database never send one e-mail twice.

Each action server runs its own outbox retry pass; two passes at the same moment must split the
waiting e-mails between them, not both send them. Real PostgreSQL on loopback, a real SMTP server,
and two separate processes (the in-process delivery lock cannot help across servers).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter

import pytest

from tests.harness.infra import missing_servers, start_postgres
from tests.harness.smtp import LoopbackSmtp

pytestmark = pytest.mark.slow


def _deliver(url: str, smtp_port: int, rounds: int, results) -> None:
    os.environ.update({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port), "SMTP_TIMEOUT": "5"})
    from clinic import notify

    results.put(sum(notify.deliver_pending("clinic@example.org", url) for _ in range(rounds)))


def test_two_action_servers_delivering_at_once_send_each_email_exactly_once():
    assert "postgresql" not in missing_servers(), "install Debian's postgresql (make test does)"
    from clinic import store

    postgres = start_postgres(("bookings",))
    smtp = LoopbackSmtp()
    smtp.start()
    try:
        with store.session(postgres.url) as db:
            for i in range(60):
                request = store.BookingRequest(
                    reference=f"BR-TEST{i:02d}",
                    name="Test Patient",
                    contact="+447700900123",
                    contact_kind="phone",
                    practitioner_role="nurse",
                    practitioner_email="nurse@example.org",
                )
                db.add(request)
                db.add(
                    store.OutboxEmail(
                        request=request,
                        to_address="nurse@example.org",
                        subject=f"New booking request BR-TEST{i:02d}",
                        body="A request.",
                    )
                )
        context = multiprocessing.get_context("spawn")
        results = context.Queue()
        servers = [context.Process(target=_deliver, args=(postgres.url, smtp.port, 5, results)) for _ in range(2)]
        for process in servers:
            process.start()
        for process in servers:
            process.join(120)
        sent_by = [results.get(timeout=5) for _ in servers]
        subjects = Counter(m["Subject"] for m in smtp.messages)
        assert len(subjects) == 60 and set(subjects.values()) == {1}, subjects.most_common(3)
        assert sum(sent_by) == 60
        with store.session(postgres.url) as db:
            assert all(e.sent_at is not None for e in db.query(store.OutboxEmail).all())
    finally:
        smtp.stop()
        store.engine_for(postgres.url).dispose()
        store.engine_for.cache_clear()
        postgres.stop()
