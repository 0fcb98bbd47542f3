"""Where conversations are kept: Rasa's own SQLTrackerStore, at a URL chosen by the environment.

Rasa's endpoints.yml cannot give an environment variable a default, so this thin subclass does:
  TRACKER_DB_URL unset  ->  sqlite:///var/conversations.db (nothing to install, survives restarts)
  TRACKER_DB_URL=postgresql+psycopg2://clinic:<password>@db-host/clinic  ->  a PostgreSQL server
Everything else (tables, event serialisation, sessions) is Rasa's SQLTrackerStore unchanged, so a
restarted Rasa server carries on every conversation where it stopped, half-filled forms included.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain

DEFAULT_URL = "sqlite:///var/conversations.db"


def tracker_db_url() -> str:
    return os.environ.get("TRACKER_DB_URL", "").strip() or DEFAULT_URL


class ClinicTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose database is TRACKER_DB_URL (default: a SQLite file under var/)."""

    def __init__(self, domain: Optional[Domain] = None, host: Optional[str] = None,
                 event_broker: Optional[EventBroker] = None, **kwargs: Any) -> None:
        url = tracker_db_url()
        if url.startswith("sqlite:///"):
            Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
