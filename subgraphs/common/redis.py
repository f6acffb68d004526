"""The Redis client a subgraph uses for its entity cache (and later rate limits and revoked tokens)."""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis

# redis-py's default pool refuses a command at once ("Too many connections") when its 100 connections
# are busy, so a burst of requests failed its cache reads and revocation checks. This pool makes a
# command wait for a free connection instead, for at most the socket timeout.
MAX_CONNECTIONS = 100
POOL_WAIT_SECONDS = 1.0


def create_redis(url: str) -> Redis:
    """A pooled client; short timeouts so a sick Redis degrades requests instead of hanging them."""
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=MAX_CONNECTIONS,
        timeout=POOL_WAIT_SECONDS,
        decode_responses=False,
        socket_timeout=1.0,
        socket_connect_timeout=1.0,
        health_check_interval=30,
    )
    return Redis.from_pool(pool)
