"""A subgraph's pool holds at most `pool_size` connections, keeps every one it opened, and hands out the
most recently returned first."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.common.db import create_engine

POOL_SIZE = 3


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    built = create_engine(
        database_url,
        pool_size=POOL_SIZE,
        application_name="gocart-test-pool",
        pool_timeout_seconds=0.5,
        ping_idle_seconds=60.0,
    )
    yield built
    await built.dispose()


@pytest.fixture
def opened(engine: AsyncEngine) -> list[object]:
    """Every DBAPI connection the engine opens."""
    connections: list[object] = []

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        connections.append(dbapi_connection)

    event.listen(engine.sync_engine, "connect", on_connect)
    return connections


async def backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def burst(engine: AsyncEngine, size: int) -> set[int]:
    """`size` connections checked out at once, each until all are out; their backends' pids."""
    all_out = asyncio.Barrier(size)

    async def hold() -> int:
        async with engine.connect() as connection:
            pid = int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())
            await all_out.wait()
            return pid

    return set(await asyncio.gather(*(hold() for _ in range(size))))


async def test_connections_opened_for_a_burst_are_kept_for_the_next(
    engine: AsyncEngine, opened: list[object]
) -> None:
    first, second = await burst(engine, POOL_SIZE), await burst(engine, POOL_SIZE)
    assert (len(opened), second) == (POOL_SIZE, first)


async def test_a_checkout_beyond_the_pool_size_waits_and_then_times_out(engine: AsyncEngine) -> None:
    async with AsyncExitStack() as held:
        for _ in range(POOL_SIZE):
            await held.enter_async_context(engine.connect())
        with pytest.raises(PoolTimeoutError):
            await backend_pid(engine)


async def test_the_connection_returned_last_is_handed_out_first(engine: AsyncEngine) -> None:
    await burst(engine, POOL_SIZE)
    one_by_one = {await backend_pid(engine) for _ in range(POOL_SIZE * 2)}
    assert len(one_by_one) == 1
