"""The conversation lock across replicas: never two messages of one patient at once, none lost.

Against a real redis-server on loopback. Rasa's own RedisLockStore fails this (benchmarks/lock_race.py
records how often); components/lock_store.py's AtomicRedisLockStore must not.
"""

from __future__ import annotations

import pytest
from rasa.core.lock_store import InMemoryLockStore
from redis.exceptions import AuthenticationError

from components.lock_store import AtomicRedisLockStore, ClinicLockStore, redis_lock_store
from tests.harness.infra import missing_servers, start_redis
from tests.harness.lock_race import hammer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def redis():
    assert "redis-server" not in missing_servers(), "install Debian's redis-server (make test does)"
    server = start_redis()
    yield server
    server.stop()


def test_four_replicas_taking_one_conversations_lock_never_overlap_and_lose_nothing(redis):
    result = hammer(lambda: redis_lock_store(redis.url), replicas=4, rounds=40)
    assert result["most_inside_at_once"] == 1
    assert result["failed_messages"] == 0 and result["processed"] == 160


def test_the_lock_is_gone_once_the_last_message_is_done(redis):
    store = redis_lock_store(redis.url)
    hammer(lambda: store, replicas=1, rounds=3, conversation="patient-tidy")
    assert store.get_lock("patient-tidy") is None


def test_the_store_comes_from_the_environment(redis, monkeypatch):
    monkeypatch.delenv("LOCK_STORE_URL", raising=False)
    assert isinstance(ClinicLockStore(endpoint_config=None), InMemoryLockStore)
    monkeypatch.setenv("LOCK_STORE_URL", redis.url)
    assert isinstance(ClinicLockStore(endpoint_config=None), AtomicRedisLockStore)


def test_a_wrong_lock_store_url_stops_start_up_with_a_clear_error(redis, monkeypatch):
    monkeypatch.setenv("LOCK_STORE_URL", "http://127.0.0.1:1/0")
    with pytest.raises(ValueError, match="redis://"):
        ClinicLockStore(endpoint_config=None)
    monkeypatch.setenv("LOCK_STORE_URL", redis.url.replace("clinic-test", "wrong-password"))
    with pytest.raises(AuthenticationError):
        ClinicLockStore(endpoint_config=None)
