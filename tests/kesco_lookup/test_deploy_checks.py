"""`manage.py check --deploy` refuses a Redis that may evict the limiter's keys (kesco_lookup/deploy_checks.py)."""

from __future__ import annotations

import pytest
import redis
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.checks import run_checks

pytestmark = pytest.mark.redis


def _deploy_errors() -> list[str]:
    return [message.id for message in run_checks(include_deployment_checks=True) if message.id == "kesco_lookup.E001"]


@pytest.fixture
def real_redis(settings):
    if not isinstance(caches["default"], RedisCache):
        pytest.skip("needs the cache on Redis (REDIS_URL)")
    return redis.Redis.from_url(settings.REDIS_URL)


def test_a_redis_that_keeps_every_key_passes(real_redis):
    assert real_redis.config_get("maxmemory-policy")["maxmemory-policy"] == "noeviction"
    assert _deploy_errors() == []


def test_a_redis_that_may_evict_keys_stops_the_deploy(real_redis):
    real_redis.config_set("maxmemory-policy", "allkeys-lru")
    try:
        assert _deploy_errors() == ["kesco_lookup.E001"]
    finally:
        real_redis.config_set("maxmemory-policy", "noeviction")


def test_a_redis_that_refuses_config_is_not_held_against_the_deploy(real_redis, monkeypatch):
    client = caches["default"]._cache.get_client(write=True)

    def refused(*args, **kwargs):
        raise redis.ResponseError("unknown command 'CONFIG'")

    monkeypatch.setattr(type(client), "config_get", refused)
    assert _deploy_errors() == []


def test_it_asks_the_cache_the_limits_count_in_not_any_redis(real_redis, settings, tmp_path):
    disk = {"BACKEND": "diskcache.DjangoCache", "LOCATION": str(tmp_path)}
    settings.CACHES = {**settings.CACHES, "limits-disk": disk}
    settings.RATELIMIT_USE_CACHE = "limits-disk"  # the development default
    real_redis.config_set("maxmemory-policy", "allkeys-lru")
    try:
        assert _deploy_errors() == []
    finally:
        real_redis.config_set("maxmemory-policy", "noeviction")
