"""Counting real work: SQL statements an engine ran, and Redis commands a client sent."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
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


class RedisCounter:
    def __init__(self) -> None:
        self.commands: Counter[str] = Counter()

    def calls(self, command: str) -> int:
        return self.commands[command.upper()]


@contextmanager
def count_redis(client: Redis) -> Iterator[RedisCounter]:
    """The commands `client` sent one by one while the block ran, by name (a pipeline's are not
    counted). Counted at the client, as `count_sql` counts at the engine, so other processes sharing
    the server (parallel test runs) do not show."""
    counter = RedisCounter()
    sent: Callable[..., Awaitable[Any]] = client.execute_command

    async def counting(*args: Any, **options: Any) -> Any:
        counter.commands[str(args[0]).upper()] += 1
        return await sent(*args, **options)

    client.execute_command = counting  # type: ignore[method-assign]
    try:
        yield counter
    finally:
        del client.execute_command
