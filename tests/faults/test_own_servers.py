"""The fault tests' own servers really stop and come back: what every other fault test relies on."""

from __future__ import annotations

import asyncpg
import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.faults.servers import OwnPostgres, OwnRedis


async def test_own_redis_refuses_connections_once_stopped_and_answers_empty_once_started(
    own_redis: OwnRedis,
) -> None:
    client = Redis.from_url(own_redis.url, socket_connect_timeout=1)
    try:
        await client.set("kept", "1")
        own_redis.stop()
        with pytest.raises(RedisConnectionError):
            await client.get("kept")
        own_redis.start()
        assert await client.get("kept") is None
    finally:
        await client.aclose()


def _dsn(server: OwnPostgres) -> str:
    return f"postgresql://postgres@/gocart?host={server.folder}"


async def test_own_postgres_refuses_connections_once_stopped_and_keeps_its_data_once_started(
    own_postgres: OwnPostgres,
) -> None:
    connection = await asyncpg.connect(_dsn(own_postgres))
    await connection.execute("CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)")
    await connection.close()
    own_postgres.stop()
    with pytest.raises((OSError, asyncpg.PostgresError)):
        await asyncpg.connect(_dsn(own_postgres), timeout=2)
    own_postgres.start()
    connection = await asyncpg.connect(_dsn(own_postgres))
    assert await connection.fetchval("SELECT n FROM kept") == 7
    await connection.close()
