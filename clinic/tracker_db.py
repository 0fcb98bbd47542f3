"""The conversation database's address, and the retention purge of its conversations.

The Rasa server keeps conversations in Rasa's own SQL tracker store (components/tracker_store.py),
at a URL chosen by the environment:
  TRACKER_DB_URL unset  ->  sqlite:///var/conversations.db (nothing to install, survives restarts)
  TRACKER_DB_URL=postgresql+psycopg2://clinic:<password>@db-host/clinic  ->  a PostgreSQL server
The URL and the purge live here, apart from the tracker store class, so that the practitioner's
`purge` and the insights report reach the same database with SQLAlchemy alone: no Rasa server code,
and so they run from the action server's image too.
"""

from __future__ import annotations

import os
import time

DEFAULT_URL = "sqlite:///var/conversations.db"


def tracker_db_url() -> str:
    return os.environ.get("TRACKER_DB_URL", "").strip() or DEFAULT_URL


def purge_conversations(retention_days: int, url: str | None = None, now: float | None = None) -> int:
    """Delete whole conversations whose last event is older than the retention period; returns how many.

    Run by `make bookings ARGS=purge` next to the booking purge, with the profile's data_retention_days.
    Reads the `events` table of Rasa's SQLTrackerStore (sender_id, timestamp) with plain SQL.
    """
    import sqlalchemy as sa

    cutoff = (now if now is not None else time.time()) - retention_days * 86400
    engine = sa.create_engine(url or tracker_db_url())
    try:
        with engine.begin() as conn:
            if not sa.inspect(conn).has_table("events"):
                return 0
            old = [
                row[0]
                for row in conn.execute(
                    sa.text("SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"),
                    {"cutoff": cutoff},
                )
            ]
            for start in range(0, len(old), 500):
                batch = old[start : start + 500]
                conn.execute(
                    sa.text("DELETE FROM events WHERE sender_id IN :ids").bindparams(
                        sa.bindparam("ids", expanding=True)
                    ),
                    {"ids": batch},
                )
        return len(old)
    finally:
        engine.dispose()
