"""The Redis cache backend: Django's, with one client per connection pool."""

import os

import pytest

from detox.cache import RedisCache

REDIS_URL = os.environ.get("REDIS_URL", "")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs Redis (CI runs it)")


def test_it_stores_reads_and_deletes_like_djangos():
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": "test-detox-cache"})
    cache.set("answer", {"score": 17}, timeout=30)
    assert cache.get("answer") == {"score": 17}
    assert cache.get_many(["answer", "missing"]) == {"answer": {"score": 17}}
    assert cache.add("answer", "other") is False
    cache.delete("answer")
    assert cache.get("answer") is None


def test_calls_reuse_one_client_per_pool():
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": "test-detox-cache"})
    client = cache._cache
    assert client.get_client(write=True) is client.get_client(write=True)
    cache.set("x", 1)
    cache.get("x")
    assert len(client._clients) == 1  # one server: reads and writes share its pool
