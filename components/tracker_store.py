"""Where conversations are kept: Rasa's own SQLTrackerStore, at a URL chosen by the environment.

Rasa's endpoints.yml cannot give an environment variable a default, so this thin subclass does:
  TRACKER_DB_URL unset  ->  sqlite:///var/conversations.db (nothing to install, survives restarts)
  TRACKER_DB_URL=postgresql+psycopg2://clinic:<password>@db-host/clinic  ->  a PostgreSQL server
(the URL is `clinic.tracker_db.tracker_db_url`). Everything else (tables, event serialisation,
sessions) is Rasa's SQLTrackerStore unchanged, so a restarted Rasa server carries on every
conversation where it stopped, half-filled forms included. A privacy duty lives here too, because
only the Rasa server writes this store: after the patient's "forget me" (actions/privacy.py) the
conversation is deleted instead of saved. Deleting conversations older than the clinic's retention
period needs no Rasa code: `clinic.tracker_db.purge_conversations`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered

from clinic.tracker_db import tracker_db_url

if TYPE_CHECKING:
    from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)
FORGET_ACTION = "action_forget_me"  # actions/privacy.py


class ClinicTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose database is TRACKER_DB_URL (default: a SQLite file under var/)."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        **kwargs: Any,
    ) -> None:
        url = tracker_db_url()
        if url.startswith("sqlite:///"):
            Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save, except right after "forget me": then the conversation is deleted instead."""
        if _forget_requested(tracker):
            with self.session_scope() as session:
                deleted = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == tracker.sender_id).delete()
                session.commit()
            logger.info("conversation deleted on the patient's request (%d events)", deleted)
            return
        await super().save(tracker)


def _forget_requested(tracker: DialogueStateTracker) -> bool:
    """Did action_forget_me run in the turn being saved (after the latest user message)?"""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == FORGET_ACTION:
            return True
    return False
