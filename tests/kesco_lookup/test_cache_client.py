"""The Redis cache backend reuses one redis-py client instead of building one per call (kesco_lookup/cache.py)."""

from __future__ import annotations

import json

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import Client

from kesco_lookup.cache import ReusedClientRedisCache
from tests.helpers import ramesh


def _count_clients(cache):
    client = cache._cache
    built = []
    original = client._client

    def counting(**kwargs):
        built.append(kwargs)
        return original(**kwargs)

    client._client = counting
    return built


def _exercise(cache):
    cache.set("bench-client-count", 1, 5)
    cache.incr("bench-client-count")
    cache.get("bench-client-count")
    cache.add("bench-client-count-2", 1, 5)
    cache.delete_many(["bench-client-count", "bench-client-count-2"])


@pytest.mark.redis
def test_it_builds_one_redis_client_for_many_cache_calls():
    cache = ReusedClientRedisCache(django_settings.REDIS_URL, {"KEY_PREFIX": "test-client-reuse"})
    built = _count_clients(cache)
    _exercise(cache)
    _exercise(cache)
    assert len(built) == 1
    # Django's own backend, for contrast: one client a call, which is what this backend avoids.
    plain = RedisCache(django_settings.REDIS_URL, {"KEY_PREFIX": "test-client-reuse"})
    plain_built = _count_clients(plain)
    _exercise(plain)
    assert len(plain_built) == 5


def test_the_production_cache_setting_uses_the_reusing_backend():
    if django_settings.CACHES["default"]["BACKEND"].startswith("diskcache"):
        pytest.skip("no REDIS_URL: the disk cache is in use")
    assert django_settings.CACHES["default"]["BACKEND"] == "kesco_lookup.cache.ReusedClientRedisCache"


def test_a_reused_client_still_raises_while_redis_is_down():
    import redis

    cache = ReusedClientRedisCache(
        "redis://127.0.0.1:9/0", {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}
    )
    for _ in range(2):
        with pytest.raises(redis.ConnectionError):
            cache.incr("anything")


@pytest.mark.django_db
def test_it_closes_the_lookup_with_a_503_when_redis_behind_the_reusing_backend_is_down(settings):
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit-down": {
            "BACKEND": "kesco_lookup.cache.ReusedClientRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    settings.RATELIMIT_USE_CACHE = "ratelimit-down"
    try:
        ramesh()
        for _ in range(2):
            body = json.dumps({"old_account_number": "12345678", "mobile_last4": "4321"})
            response = Client().post("/api/v1/lookup", body, content_type="application/json")
            assert response.status_code == 503
    finally:
        caches["ratelimit-down"].close()
