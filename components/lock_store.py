"""The conversation lock: in memory on one server, in Redis (made race-free) when servers are replicated.

Rasa processes the messages of one conversation one at a time by handing out numbered tickets per
conversation (a TicketLock). With one server the in-memory store is enough, and it is the default.
With several replicas the tickets must be shared, which is Rasa's RedisLockStore, but that store
changes a lock by reading it, changing it in Python and writing it back. Two replicas doing that at
the same moment overwrite each other: both can be handed the same ticket and answer one patient's
two messages at once, or one deletes the lock just after the other queued a ticket, and that message
then fails with "Could not acquire lock". (Rasa's issue tracker has reports of both.)

`AtomicRedisLockStore` keeps Rasa's key layout and TicketLock format but makes every change one
optimistic Redis transaction (WATCH the key, compute, MULTI/EXEC; retry if another replica changed
it in between), so the ticket order holds across any number of replicas. tests/test_scale_out.py
sends concurrent messages of one patient through nginx to two replicas and checks they were
answered one at a time, in order.

endpoints.yml names `ClinicLockStore`, which picks the store from the environment:
`LOCK_STORE_URL=redis://[:password@]host:6379/0` for Redis, nothing for in-memory.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from typing import Any, Optional
from urllib.parse import unquote, urlparse

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore, RedisLockStore

logger = logging.getLogger(__name__)

Change = Callable[[Optional[TicketLock]], tuple[Optional[TicketLock], Any]]
MAX_RETRIES = 200


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's RedisLockStore with each read-change-write of a lock done as one Redis transaction."""

    def _atomically(self, conversation_id: str, change: Change, create: bool = False) -> Any:
        """Apply `change` to the stored lock; it returns (lock to store or None to delete, result)."""
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            for _ in range(MAX_RETRIES):
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    if lock is None and create:
                        lock = self.create_lock(conversation_id)
                    new_lock, result = change(lock)
                    pipe.multi()
                    if new_lock is not None:
                        pipe.set(key, new_lock.dumps())
                    elif raw is not None:
                        pipe.delete(key)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another replica changed this lock between our read and write
        raise LockError(f"Lock for conversation '{conversation_id}' kept changing under us")

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> tuple[TicketLock, int]:
            assert lock is not None  # create=True: there is one
            ticket = lock.issue_ticket(lock_lifetime)
            return lock, ticket

        try:
            return self._atomically(conversation_id, issue, create=True)
        except LockError:
            raise
        except Exception as error:  # same contract as Rasa's: any failure is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: Optional[TicketLock]) -> tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._atomically(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: Optional[TicketLock]) -> tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._atomically(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finish this ticket and delete the lock only if, at that same instant, nobody is queued."""

        def finish_and_maybe_delete(lock: Optional[TicketLock]) -> tuple[Optional[TicketLock], None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._atomically(conversation_id, finish_and_maybe_delete)


def redis_lock_store(url: str, key_prefix: Optional[str] = None) -> AtomicRedisLockStore:
    """An AtomicRedisLockStore from a redis:// or rediss:// URL."""
    parts = urlparse(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise ValueError(f"LOCK_STORE_URL must look like redis://[:password@]host:6379/0, got scheme {parts.scheme!r}")
    db = int(parts.path.lstrip("/") or 0)
    return AtomicRedisLockStore(
        host=parts.hostname,
        port=parts.port or 6379,
        db=db,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_ssl=parts.scheme == "rediss",
        key_prefix=key_prefix,
    )


class ClinicLockStore:
    """What endpoints.yml names: Redis when LOCK_STORE_URL is set, else Rasa's in-memory store.

    Rasa builds custom lock stores by calling the class with `endpoint_config`; this one returns the
    chosen store itself, so Rasa only ever sees one of its own store types.
    """

    def __new__(cls, endpoint_config: Any = None, **_: Any) -> LockStore:  # type: ignore[misc]
        url = os.environ.get("LOCK_STORE_URL", "").strip()
        if not url:
            return InMemoryLockStore()
        prefix = (
            (getattr(endpoint_config, "kwargs", None) or {}).get("key_prefix")
            or os.environ.get("LOCK_STORE_PREFIX")
            or None
        )
        store = redis_lock_store(url, prefix)
        store.red.ping()  # fail at start-up, with a clear error, not at the first patient
        logger.info(
            "Conversation locks are in Redis at %s:%s",
            store.red.connection_pool.connection_kwargs.get("host"),
            store.red.connection_pool.connection_kwargs.get("port"),
        )
        return store
