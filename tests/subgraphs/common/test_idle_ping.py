"""Pooled connections are pinged only after sitting idle, and one that died meanwhile is replaced."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.common.db import create_engine


@pytest.fixture
def engine_pinging_after(database_url: str) -> Callable[[float], AsyncEngine]:
    def build(idle_seconds: float) -> AsyncEngine:
        return create_engine(
            database_url, pool_size=1, application_name="gocart-test-ping", ping_idle_seconds=idle_seconds
        )

    return build


@pytest.fixture
async def pings(engine_pinging_after: Callable[[float], AsyncEngine]) -> AsyncIterator[list[AsyncEngine]]:
    """Engines made by a test, disposed of after it."""
    made: list[AsyncEngine] = []
    yield made
    for engine in made:
        await engine.dispose()


async def backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


def counting_pings(engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    pinged: list[object] = []
    ping = engine.dialect.do_ping

    def counting(dbapi_connection: Any) -> bool:
        pinged.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counting)
    return pinged


async def test_a_connection_in_steady_use_is_not_pinged(
    engine_pinging_after: Callable[[float], AsyncEngine],
    pings: list[AsyncEngine],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = engine_pinging_after(60.0)
    pings.append(engine)
    pinged = counting_pings(engine, monkeypatch)
    first, second = await backend_pid(engine), await backend_pid(engine)
    assert (first == second, pinged) == (True, [])


async def test_a_connection_idle_past_the_threshold_is_pinged(
    engine_pinging_after: Callable[[float], AsyncEngine],
    pings: list[AsyncEngine],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = engine_pinging_after(0.0)
    pings.append(engine)
    pinged = counting_pings(engine, monkeypatch)
    await backend_pid(engine)
    await backend_pid(engine)
    assert len(pinged) == 1


async def test_an_idle_connection_that_died_is_replaced_on_checkout(
    engine_pinging_after: Callable[[float], AsyncEngine], pings: list[AsyncEngine]
) -> None:
    engine, killer = engine_pinging_after(0.0), engine_pinging_after(60.0)
    pings.extend([engine, killer])
    dead = await backend_pid(engine)
    async with killer.connect() as connection:
        await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dead})
    assert await backend_pid(engine) != dead
