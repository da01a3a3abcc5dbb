"""Django's Redis cache backend, with one redis-py client per connection pool instead of one per call.

Django's RedisCacheClient builds a fresh ``redis.Redis`` for every cache call; in redis-py 8 that is
costly, and an API lookup makes about ten calls. A client over a shared pool is thread-safe, so one
per pool is enough. Errors are unchanged: a down Redis still raises on the call, and the limiter
closes with a 503 (kesco_lookup/limits.py).
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
