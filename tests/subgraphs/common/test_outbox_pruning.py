"""Pruning the outbox: sent rows past the retention go, a bounded batch a pass, in the relay's idle
passes; unsent and recent rows stay, and so does each aggregate's newest row (its versions go on)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.common.db import SessionFactory, create_engine, create_session_factory
from subgraphs.common.event_relay import OutboxRelay, RelayPolicy
from subgraphs.common.events import DomainEvent, EventTables, append_event
from subgraphs.common.outbox_pruning import OutboxPruner, PrunePolicy
from tests.subgraphs.common.events_support import create_outbox, write_events

RETENTION = timedelta(days=7)


@pytest.fixture
async def events_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=2, application_name="gocart-test-pruning")
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(events_engine: AsyncEngine) -> SessionFactory:
    return create_session_factory(events_engine)


@pytest.fixture
async def outbox(events_engine: AsyncEngine) -> EventTables:
    return await create_outbox(events_engine)


def pruner(sessions: SessionFactory, outbox: EventTables, batch_size: int = 1000) -> OutboxPruner:
    return OutboxPruner(
        sessions=sessions, tables=outbox, policy=PrunePolicy(retention=RETENTION, batch_size=batch_size)
    )


async def mark_sent(
    engine: AsyncEngine, outbox: EventTables, *, ago: timedelta, upto: int | None = None
) -> None:
    """Mark rows sent `ago` (all, or those up to position `upto`)."""
    table = outbox.outbox
    statement = update(table).values(sent_at=func.now() - ago)
    if upto is not None:
        statement = statement.where(table.c.position <= upto)
    async with engine.begin() as connection:
        await connection.execute(statement)


async def remaining(engine: AsyncEngine, outbox: EventTables) -> list[tuple[str, int]]:
    table = outbox.outbox
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(table.c.aggregate_id, table.c.aggregate_version).order_by(table.c.position)
        )
        return [(str(row[0]), int(row[1])) for row in rows]


async def first_position(engine: AsyncEngine, outbox: EventTables) -> int:
    async with engine.connect() as connection:
        position = (await connection.execute(select(func.min(outbox.outbox.c.position)))).scalar_one()
        return int(position)


def newest_of_each(written: list[DomainEvent]) -> list[tuple[str, int]]:
    newest: dict[str, int] = {}
    for event in written:
        newest[event.aggregate_id] = max(newest.get(event.aggregate_id, 0), event.aggregate_version)
    return sorted(newest.items())


async def test_sent_rows_past_the_retention_are_pruned_but_each_aggregate_keeps_its_newest(
    sessions: SessionFactory, outbox: EventTables, events_engine: AsyncEngine
) -> None:
    written = await write_events(sessions, outbox, aggregates=3, per_aggregate=4)
    await mark_sent(events_engine, outbox, ago=RETENTION + timedelta(hours=1))

    pruned = await pruner(sessions, outbox).prune_once()

    assert pruned == 9
    assert sorted(await remaining(events_engine, outbox)) == newest_of_each(written)


async def test_unsent_rows_and_rows_sent_within_the_retention_are_kept(
    sessions: SessionFactory, outbox: EventTables, events_engine: AsyncEngine
) -> None:
    await write_events(sessions, outbox, aggregates=1, per_aggregate=6)
    start = await first_position(events_engine, outbox)
    await mark_sent(events_engine, outbox, ago=timedelta(days=1), upto=start + 2)  # 3 sent recently, 3 unsent

    pruned = await pruner(sessions, outbox).prune_once()

    assert pruned == 0
    assert len(await remaining(events_engine, outbox)) == 6


async def test_an_aggregate_s_next_event_continues_its_versions_after_pruning(
    sessions: SessionFactory, outbox: EventTables, events_engine: AsyncEngine
) -> None:
    written = await write_events(sessions, outbox, aggregates=1, per_aggregate=3)
    await mark_sent(events_engine, outbox, ago=RETENTION * 2)
    await pruner(sessions, outbox).prune_once()

    async with sessions() as session:
        next_event = await append_event(
            session,
            outbox,
            source="test",
            type="thing.changed",
            schema_version=1,
            aggregate_type="thing",
            aggregate_id=written[0].aggregate_id,
            data={"step": 3},
        )
        await session.commit()

    assert next_event.aggregate_version == 4


async def test_a_pass_prunes_at_most_its_batch(
    sessions: SessionFactory, outbox: EventTables, events_engine: AsyncEngine
) -> None:
    await write_events(sessions, outbox, aggregates=1, per_aggregate=8)
    await mark_sent(events_engine, outbox, ago=RETENTION * 2)
    small = pruner(sessions, outbox, batch_size=3)

    passes = [await small.prune_once() for _ in range(4)]

    assert passes == [3, 3, 1, 0]  # the newest row stays
    assert len(await remaining(events_engine, outbox)) == 1


class Nowhere:
    """A sink that takes every event (the pruning test needs no broker)."""

    async def deliver(self, event: DomainEvent) -> None:
        del event


async def test_the_relay_prunes_in_its_idle_passes(
    sessions: SessionFactory, outbox: EventTables, events_engine: AsyncEngine
) -> None:
    await write_events(sessions, outbox, aggregates=2, per_aggregate=3)
    await mark_sent(events_engine, outbox, ago=RETENTION * 2)
    relay = OutboxRelay(
        sessions=sessions,
        tables=outbox,
        sink=Nowhere(),
        policy=RelayPolicy(interval_seconds=0.05, prune_interval_seconds=0.05),
        pruner=pruner(sessions, outbox),
    )

    task = asyncio.create_task(relay.run_forever())
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 20
        while True:
            left = len(await remaining(events_engine, outbox))
            if left <= 2 or loop.time() > deadline:
                break
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    assert len(await remaining(events_engine, outbox)) == 2
