"""The staff app's tables, in the bookings database beside the requests (clinic/store.py's Base)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text

from clinic.store import Base, utcnow

ROLES = ("practitioner", "admin")


class StaffUser(Base):
    """A staff account: e-mail, argon2 password hash, role."""

    __tablename__ = "staff_users"
    id = Column(Integer, primary_key=True)
    email = Column(String(254), unique=True, nullable=False)
    password_hash = Column(String(255), nullable=False)
    role = Column(String(16), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    disabled_at = Column(DateTime)


class StaffSession(Base):
    """A logged-in browser: the signed cookie carries only a random id, so log-out and the timeout
    end the session on the server too (a copied cookie is worth nothing afterwards)."""

    __tablename__ = "staff_sessions"
    id = Column(String(64), primary_key=True)  # SHA-256 of the random id in the cookie
    user_id = Column(Integer, ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_seen = Column(DateTime, nullable=False, default=utcnow)


class AuditEntry(Base):
    """Who did what, when: every action a staff member takes in the app (admins read it)."""

    __tablename__ = "staff_audit"
    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)  # UTC
    actor = Column(String(254), nullable=False)
    action = Column(String(40), nullable=False)
    target = Column(String(40))  # a request reference or "chat #12": never patient details
    detail = Column(Text)
