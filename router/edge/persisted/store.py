"""Where APQ registrations live: Redis (shared by every replica, with a TTL) behind an in-process LRU.

The LRU answers repeated hashes without a Redis round trip, and is the whole store when Redis is not
configured or not answering. A Redis failure is never the client's problem: the lookup or registration
goes on in memory, one warning is logged per outage (and one line when Redis answers again), and Redis
is left alone for `retry_seconds` after a failure, so an outage does not add a timeout to every request.
"""

from __future__ import annotations

import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError

from router.cache import LruCache
from router.redis_outage import RedisOutage

logger = logging.getLogger(__name__)


class ApqStore:
    """Query texts by sha256 hash (lower-case hex)."""

    def __init__(
        self,
        *,
        namespace: str,
        ttl_seconds: int,
        memory_size: int,
        retry_seconds: float = 5.0,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self._prefix = f"{namespace}:apq:"
        self._memory: LruCache[str, str] = LruCache(memory_size)
        self.outage = RedisOutage(
            retry_seconds,
            down="persisted queries are kept in this process only",
            up="persisted queries are shared through it",
            log=logger,
        )

    def key(self, sha256: str) -> str:
        return self._prefix + sha256

    async def get(self, sha256: str, redis: Redis | None) -> str | None:
        """The query registered under `sha256`, from memory, else Redis (then kept in memory)."""
        query = self._memory.get(sha256)
        if query is not None or redis is None or not self.outage.worth_trying():
            return query
        try:
            stored = await redis.get(self.key(sha256))
        except (RedisError, OSError) as error:
            self.outage.failed(error)
            return None
        self.outage.succeeded()
        if stored is None:
            return None
        query = stored.decode("utf-8") if isinstance(stored, bytes) else str(stored)
        self._memory.put(sha256, query)
        return query

    async def put(self, sha256: str, query: str, redis: Redis | None) -> None:
        """Register `query` in memory and, when it answers, in Redis for `ttl_seconds`."""
        self._memory.put(sha256, query)
        if redis is None or not self.outage.worth_trying():
            return
        try:
            await redis.set(self.key(sha256), query.encode("utf-8"), ex=self.ttl_seconds)
        except (RedisError, OSError) as error:
            self.outage.failed(error)
            return
        self.outage.succeeded()
