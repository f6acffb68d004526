"""The Redis client a subgraph uses for its entity cache (and later rate limits and revoked tokens)."""

from __future__ import annotations

from redis.asyncio import Redis


def create_redis(url: str) -> Redis:
    """A pooled client; short timeouts so a sick Redis degrades requests instead of hanging them."""
    return Redis.from_url(
        url,
        decode_responses=False,
        socket_timeout=1.0,
        socket_connect_timeout=1.0,
        health_check_interval=30,
    )
