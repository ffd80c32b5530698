"""The Redis cache, degrading to no cache at all while Redis is out of reach.

Django's RedisCache raises redis-py's ConnectionError from every call when Redis is
down, so a restart of Redis would turn every page into a 500. Everything Montage keeps
in the cache can be rebuilt from the database (pages, fragments, the settings rows), so
here a call Redis cannot answer is a miss, and a write is dropped. After a failure the
process leaves Redis alone for ``RETRY_AFTER_SECONDS``, so a Redis that hangs costs one
request a short timeout, not every call of every request; it logs once when Redis goes
and once when it comes back.
"""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_AFTER_SECONDS = 1.0
# On loopback or a LAN Redis answers in well under a millisecond; past these a request
# is better served from the database than kept waiting.
SOCKET_TIMEOUTS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}


class _Outage:
    """Whether this process last found Redis unreachable, and when."""

    def __init__(self, location):
        self._location = location
        self._lock = threading.Lock()
        self._failed_at = None

    def skipping(self):
        failed_at = self._failed_at
        return failed_at is not None and time.monotonic() < failed_at + RETRY_AFTER_SECONDS

    def failed(self, error):
        with self._lock:
            first, self._failed_at = self._failed_at is None, time.monotonic()
        if first:
            logger.warning(
                "cache: Redis at %s unreachable (%s): serving without the cache",
                self._location,
                type(error).__name__,
            )

    def succeeded(self):
        if self._failed_at is None:
            return
        with self._lock:
            back, self._failed_at = self._failed_at is not None, None
        if back:
            logger.warning("cache: Redis at %s answers again", self._location)


def _missing_counter(*args):
    raise ValueError("Key not found: the cache is unreachable.")


def _degrading(name, fallback):
    """Client method ``name``, answering ``fallback(*args)`` when Redis is unreachable."""

    def method(self, *args):
        if self._outage.skipping():
            return fallback(*args)
        try:
            result = getattr(RedisCacheClient, name)(self, *args)
        except UNREACHABLE as error:
            self._outage.failed(error)
            return fallback(*args)
        self._outage.succeeded()
        return result

    method.__name__ = name
    return method


class DegradingRedisCacheClient(RedisCacheClient):
    """Each call Redis cannot answer is a miss (reads) or dropped (writes)."""

    def __init__(self, servers, **options):
        super().__init__(servers, **(SOCKET_TIMEOUTS | options))
        self._outage = _Outage(",".join(servers))

    add = _degrading("add", lambda *args: False)
    get = _degrading("get", lambda key, default: default)
    set = _degrading("set", lambda *args: None)
    touch = _degrading("touch", lambda *args: False)
    delete = _degrading("delete", lambda *args: False)
    get_many = _degrading("get_many", lambda *args: {})
    has_key = _degrading("has_key", lambda *args: False)
    incr = _degrading("incr", _missing_counter)
    set_many = _degrading("set_many", lambda *args: [])
    delete_many = _degrading("delete_many", lambda *args: None)
    clear = _degrading("clear", lambda *args: False)


class DegradingRedisCache(RedisCache):
    """The ``CACHES`` backend for ``CACHE_URL=redis://...``: Django's RedisCache, except
    that Redis being down is no error."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = DegradingRedisCacheClient
