"""An outbox in a schema of its own for the tests of the events plumbing, and events to fill it."""

from __future__ import annotations

import uuid

from sqlalchemy import MetaData, func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.common.db import SessionFactory
from subgraphs.common.events import DomainEvent, EventTables, append_event, event_tables


async def create_outbox(engine: AsyncEngine) -> EventTables:
    schema = f"events_test_{uuid.uuid4().hex[:10]}"
    metadata = MetaData()
    tables = event_tables(metadata, schema)
    async with engine.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        await connection.run_sync(metadata.create_all)
    return tables


async def write_events(
    sessions: SessionFactory, tables: EventTables, *, aggregates: int, per_aggregate: int
) -> list[DomainEvent]:
    """`aggregates * per_aggregate` events, interleaved across aggregates, one transaction each."""
    ids = [uuid.uuid4() for _ in range(aggregates)]
    written: list[DomainEvent] = []
    for step in range(per_aggregate):
        for aggregate_id in ids:
            async with sessions() as session:
                written.append(
                    await append_event(
                        session,
                        tables,
                        source="test",
                        type="thing.changed",
                        schema_version=1,
                        aggregate_type="thing",
                        aggregate_id=aggregate_id,
                        data={"step": step},
                    )
                )
                await session.commit()
    return written


async def unsent(engine: AsyncEngine, tables: EventTables) -> int:
    outbox = tables.outbox
    async with engine.connect() as connection:
        statement = select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
        return int((await connection.execute(statement)).scalar_one())


def versions_in_order(events: list[DomainEvent]) -> bool:
    """Whether each aggregate's events arrived as versions 1, 2, 3... with none missing or repeated."""
    seen: dict[str, int] = {}
    for event in events:
        if event.aggregate_version != seen.get(event.aggregate_id, 0) + 1:
            return False
        seen[event.aggregate_id] = event.aggregate_version
    return True
