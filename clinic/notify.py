"""E-mail to the practitioner, through an outbox so that no request is ever lost.

A notification is first written to the `outbox` table in the same transaction as the request. Then
`deliver_pending` tries to send everything unsent over SMTP (settings from the environment). When SMTP
is not configured or is down, the e-mail stays in the outbox with its attempt count; the background
worker (OUTBOX_RETRY_SECONDS) or `make outbox` delivers it later. Logs name the request reference and
the error type only, never the patient's details.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import threading
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic import store

logger = logging.getLogger(__name__)
RETRY_ENV = "OUTBOX_RETRY_SECONDS"
MAX_ATTEMPTS_PER_PASS = 50


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    use_ssl: bool = False
    timeout: float = 10.0

    @classmethod
    def from_env(cls, default_sender: str) -> SmtpSettings | None:
        """None when SMTP_HOST is not set: e-mails then wait in the outbox."""
        host = os.environ.get("SMTP_HOST", "").strip()
        if not host:
            return None
        use_ssl = os.environ.get("SMTP_SSL", "").lower() in ("1", "true", "yes")
        return cls(
            host=host,
            port=int(os.environ.get("SMTP_PORT") or (465 if use_ssl else 25)),
            sender=os.environ.get("SMTP_FROM", "").strip() or default_sender,
            user=os.environ.get("SMTP_USER") or None,
            password=os.environ.get("SMTP_PASSWORD") or None,
            starttls=os.environ.get("SMTP_STARTTLS", "").lower() in ("1", "true", "yes"),
            use_ssl=use_ssl,
            timeout=float(os.environ.get("SMTP_TIMEOUT") or 10),
        )


def queue_email(db: Session, request: store.BookingRequest, to: str, subject: str, body: str) -> None:
    db.add(store.OutboxEmail(request=request, to_address=to, subject=subject, body=body))


def _send(settings: SmtpSettings, email: store.OutboxEmail) -> None:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message.set_content(email.body)
    client: smtplib.SMTP
    if settings.use_ssl:
        client = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=ssl.create_default_context()
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with client:
        if settings.starttls:
            client.starttls(context=ssl.create_default_context())
        if settings.user:
            client.login(settings.user, settings.password or "")
        client.send_message(message)


_delivery_lock = threading.Lock()


def deliver_pending(default_sender: str, url: str | None = None) -> int:
    """Try to send every unsent e-mail once; returns how many were sent now."""
    settings = SmtpSettings.from_env(default_sender)
    if settings is None:
        return 0
    sent = 0
    with _delivery_lock:  # one delivery pass at a time in this process: no double sends
        with store.session(url) as db:
            # Across action servers sharing PostgreSQL, each e-mail is claimed with a row lock for
            # the pass; another server's pass skips claimed rows instead of sending them again.
            # (SQLite has no row locks; it is for one action server.)
            waiting = (
                db.execute(
                    select(store.OutboxEmail)
                    .where(store.OutboxEmail.sent_at.is_(None))
                    .order_by(store.OutboxEmail.id)
                    .limit(MAX_ATTEMPTS_PER_PASS)
                    .with_for_update(skip_locked=True)
                )
                .scalars()
                .all()
            )
            for email in waiting:
                email.attempts += 1
                try:
                    _send(settings, email)
                except (OSError, smtplib.SMTPException) as exc:
                    code = getattr(exc, "smtp_code", None)
                    email.last_error = f"{type(exc).__name__}{f' {code}' if code else ''}"[:200]
                    logger.warning("outbox: e-mail %s not sent yet (%s), will retry", email.id, email.last_error)
                    break  # the server is down or refusing: stop this pass, retry later
                email.sent_at = store.utcnow()
                email.last_error = None
                sent += 1
    return sent


def waiting_count(url: str | None = None) -> int:
    with store.session(url) as db:
        return len(db.execute(select(store.OutboxEmail.id).where(store.OutboxEmail.sent_at.is_(None))).all())


_worker: threading.Thread | None = None


def start_worker(default_sender: str) -> threading.Thread | None:
    """Retry the outbox every OUTBOX_RETRY_SECONDS in a daemon thread (once per process)."""
    global _worker
    seconds = float(os.environ.get(RETRY_ENV) or 0)
    if seconds <= 0 or (_worker is not None and _worker.is_alive()):
        return _worker
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(seconds):
            try:
                deliver_pending(default_sender)
            except Exception:  # keep the worker alive whatever happens; the next pass retries
                logger.exception("outbox: delivery pass failed")

    _worker = threading.Thread(target=loop, name="outbox-retry", daemon=True)
    _worker.start()
    return _worker
