"""Counting real work: SQL statements an engine ran, and Redis commands a server served."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


class SqlCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def selects(self) -> list[str]:
        return [s for s in self.statements if s.lstrip().upper().startswith("SELECT")]


@contextmanager
def count_sql(engine: AsyncEngine) -> Iterator[SqlCounter]:
    counter = SqlCounter()

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        counter.statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield counter
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def redis_command_calls(redis: Redis) -> dict[str, int]:
    """Calls per command since the server started (from INFO commandstats)."""
    stats = await redis.info("commandstats")
    return {name.removeprefix("cmdstat_"): int(value["calls"]) for name, value in stats.items()}


async def redis_calls_since(redis: Redis, before: dict[str, int], command: str) -> int:
    after = await redis_command_calls(redis)
    return after.get(command, 0) - before.get(command, 0)
