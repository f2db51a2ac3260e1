"""The Redis cache, falling back to a per-process memory cache while Redis is down.

Sign-in rate limits (allauth) and anything else cached go through Django's cache; with the plain
RedisCache a Redis outage made every login POST a 500. Here a Redis error switches that process
to its own local-memory cache for RETRY_AFTER seconds (rate limits keep counting, per process),
then Redis is tried again.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

RETRY_AFTER = 10  # seconds
METHODS = ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many",
           "delete_many", "clear")


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._fallback = LocMemCache(f"fallback-for-{server}", {"TIMEOUT": params.get("TIMEOUT",
                                                                                      300)})
        self._down_until = 0.0

    def state(self) -> str:
        """"ok", or what is wrong with Redis (for /healthz): asks Redis itself."""
        try:
            self._cache.get_client(write=True).ping()
        except RedisError as error:
            return f"error: {error.__class__.__name__}: {error}"
        return "ok"


def _with_fallback(name: str):
    redis_method = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        if time.monotonic() >= self._down_until:
            try:
                return redis_method(self, *args, **kwargs)
            except RedisError as error:
                self._down_until = time.monotonic() + RETRY_AFTER
                log.warning("Redis cache unavailable (%s); using this process's memory for "
                            "%d seconds.", error, RETRY_AFTER)
        return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    return method


for _name in METHODS:
    setattr(FallbackRedisCache, _name, _with_fallback(_name))
