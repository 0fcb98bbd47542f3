"""Staff accounts, log-in sessions and the audit log, on argon2-cffi and the bookings database.

Passwords are hashed with argon2id (argon2-cffi's defaults) and never stored or logged otherwise.
A log-in session is a random id (secrets) kept by the browser in Flask's signed cookie; the server
keeps its SHA-256 with the time it was last used, so the timeout and log-out are enforced here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select

from clinic import store
from staff.models import ROLES, AuditEntry, StaffSession, StaffUser

MIN_PASSWORD = 12
_hasher = PasswordHasher()
# Verified when the e-mail is unknown, so a wrong e-mail takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A bad e-mail, role or password when creating an account; the message says which."""


@dataclass(frozen=True)
class Staff:
    id: int
    email: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def add_user(email: str, role: str, password: str, url: str | None = None) -> Staff:
    """Create an account (or reset its password and role when it exists)."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise AccountError(f"not an account name like name@clinic: {email!r}")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
    with store.session(url) as db:
        user = db.execute(select(StaffUser).where(StaffUser.email == email)).scalar()
        if user is None:
            user = StaffUser(email=email, role=role, password_hash=_hasher.hash(password))
            db.add(user)
        else:
            user.role, user.password_hash, user.disabled_at = role, _hasher.hash(password), None
            db.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
        db.flush()
        return Staff(user.id, user.email, user.role)


def list_users(url: str | None = None) -> list[Staff]:
    with store.session(url) as db:
        rows = db.execute(select(StaffUser).where(StaffUser.disabled_at.is_(None)).order_by(StaffUser.email)).scalars()
        return [Staff(row.id, row.email, row.role) for row in rows]


def check_password(email: str, password: str, url: str | None = None) -> Staff | None:
    """The account when the password is right; None otherwise (same work either way)."""
    with store.session(url) as db:
        user = db.execute(
            select(StaffUser).where(StaffUser.email == email.strip().lower(), StaffUser.disabled_at.is_(None))
        ).scalar()
        try:
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        if user is None:
            return None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        return Staff(user.id, user.email, user.role)


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(staff: Staff, url: str | None = None) -> str:
    """A new random session id for the cookie (a fresh one at every log-in: no session fixation)."""
    token = secrets.token_urlsafe(32)
    with store.session(url) as db:
        db.add(StaffSession(id=_key(token), user_id=staff.id))
    return token


def session_user(token: str | None, idle: dt.timedelta, url: str | None = None) -> Staff | None:
    """The account behind a session id, if the session exists and was used within `idle`."""
    if not token:
        return None
    now = store.utcnow()
    with store.session(url) as db:
        row = db.get(StaffSession, _key(token))
        if row is None:
            return None
        if now - row.last_seen > idle:
            db.delete(row)
            return None
        user = db.get(StaffUser, row.user_id)
        if user is None or user.disabled_at is not None:
            return None
        row.last_seen = now
        return Staff(user.id, user.email, user.role)


def end_session(token: str | None, url: str | None = None) -> None:
    if token:
        with store.session(url) as db:
            db.execute(delete(StaffSession).where(StaffSession.id == _key(token)))


def audit(
    actor: str, action: str, target: str | None = None, detail: str | None = None, url: str | None = None
) -> None:
    """Record one staff action (never patient details: references and chat numbers only)."""
    with store.session(url) as db:
        db.add(AuditEntry(actor=actor, action=action, target=target, detail=(detail or None) and detail[:500]))


def audit_log(limit: int = 500, url: str | None = None) -> list[AuditEntry]:
    with store.session(url) as db:
        return list(db.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).scalars())
