"""`manage.py check --deploy` (run by `make serve`): the Redis behind the rate limits keeps every key.

The limiter reads a missing running total as "nothing counted in the last window" (limiter_redis.py),
and Celery's queue on the same server must not lose tasks: a Redis that evicts keys to make room
would quietly let a guesser past the failure limits. Registered by accounts/apps.py, the app whose
limits these are. Why: docs/deploy.md, 'Redis'.
"""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.cache.backends.redis import RedisCache

from kesco_lookup.limits import limits_store

KEEPS_EVERY_KEY = "noeviction"


def redis_keeps_every_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    store = limits_store()
    if not isinstance(store, RedisCache):
        return []
    try:
        policy = store._cache.get_client(write=True).config_get("maxmemory-policy").get("maxmemory-policy")
    except Exception:  # a managed Redis may refuse CONFIG; one that is down is /readyz's to report
        return []
    if policy in (None, KEEPS_EVERY_KEY):
        return []
    return [
        checks.Error(
            f"Redis may evict keys (maxmemory-policy {policy}): the rate limits would forget failures.",
            hint=f"Set maxmemory-policy {KEEPS_EVERY_KEY} (Redis's default) and give it room: docs/deploy.md.",
            id="kesco_lookup.E001",
        )
    ]
