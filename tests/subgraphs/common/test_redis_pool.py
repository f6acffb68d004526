"""The subgraphs' Redis client under a burst: more concurrent commands than pooled connections wait for
one instead of failing (redis-py's default pool refused them with "Too many connections")."""

from __future__ import annotations

import asyncio
import uuid

from subgraphs.common.redis import MAX_CONNECTIONS, create_redis
from tests.support.services import ServiceUrls


async def test_more_concurrent_commands_than_connections_all_succeed(services: ServiceUrls) -> None:
    client = create_redis(services.redis_url)
    empty = f"gocart-test-pool-{uuid.uuid4().hex}"
    try:
        # Each BLPOP holds its connection for a moment, so the pool runs out and the rest must wait.
        answers = await asyncio.gather(
            *(client.blpop([empty], timeout=0.2) for _ in range(MAX_CONNECTIONS + 20)),
            return_exceptions=True,
        )
    finally:
        await client.aclose()

    assert [answer for answer in answers if answer is not None] == []
