"""The time, in one place, so tests (and demos) can pin it.

Everything that depends on "now" (open now, lead time, "yesterday") calls `now()`. Unit tests
monkeypatch it; end-to-end tests start the action server with CLINIC_CLOCK set to an ISO time such as
2026-11-25T10:00:00+00:00 so that a conversation behaves the same on any day.
"""

from __future__ import annotations

import datetime as dt
import os

CLOCK_ENV = "CLINIC_CLOCK"


def now() -> dt.datetime:
    """The current moment, timezone-aware (UTC unless CLINIC_CLOCK says otherwise)."""
    fixed = os.environ.get(CLOCK_ENV, "").strip()
    if fixed:
        moment = dt.datetime.fromisoformat(fixed)
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc)
