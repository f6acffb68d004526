"""Consumers of domain events: what they bind, and handling each event once (by event id).

A consumer's handler gets a session: the consumer's mark in the processed-events table is written in it
before the handler runs and committed with the handler's own writes, so a redelivered event (the relay
and the broker deliver at least once) is skipped, and a handler that failed is tried again.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import structlog
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.sql.dml import ReturningInsert
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.db import SessionFactory
from subgraphs.common.events import DomainEvent, EventTables
from subgraphs.common.handler_retries import HandlerRetries

log = structlog.get_logger(__name__)

SessionHandler = Callable[[AsyncSession, DomainEvent], Awaitable[None]]


@dataclass(frozen=True)
class EventConsumer:
    """`name` names its queue; `patterns` are topic patterns (`order.*`, `#`) of the types it wants."""

    name: str
    patterns: tuple[str, ...]
    handle: SessionHandler

    def wants(self, event_type: str) -> bool:
        return any(topic_matches(pattern, event_type) for pattern in self.patterns)


def topic_matches(pattern: str, routing_key: str) -> bool:
    """Whether a routing key matches a topic pattern as RabbitMQ reads it: `*` is one word, `#` zero
    or more (so the in-process sink routes exactly as the broker would)."""
    return _words_match(tuple(pattern.split(".")), tuple(routing_key.split(".")))


def _words_match(pattern: tuple[str, ...], key: tuple[str, ...]) -> bool:
    if not pattern:
        return not key
    if pattern[0] == "#":
        return _words_match(pattern[1:], key) or (bool(key) and _words_match(pattern, key[1:]))
    if not key:
        return False
    return pattern[0] in ("*", key[0]) and _words_match(pattern[1:], key[1:])


class OnceByEventId:
    """Runs a consumer's handler for an event unless that consumer has processed it already."""

    def __init__(self, consumer: EventConsumer, *, sessions: SessionFactory, tables: EventTables) -> None:
        self.consumer = consumer
        self._sessions = sessions
        self._tables = tables

    def _mark(self, event: DomainEvent) -> ReturningInsert[tuple[uuid.UUID]]:
        processed = self._tables.processed
        return (
            insert(processed)
            .values(consumer=self.consumer.name, event_id=event.id)
            .on_conflict_do_nothing()
            .returning(processed.c.event_id)
        )

    async def handle_event(self, event: DomainEvent) -> None:
        """The broker consumer's handler."""
        await self(event)

    async def __call__(self, event: DomainEvent) -> bool:
        """True when the handler ran, False when the event was a repeat."""
        async with self._sessions() as session:
            first = (await session.exec(self._mark(event))).first()
            if first is None:
                await session.rollback()
                log.debug("events.repeat_skipped", consumer=self.consumer.name, event_id=str(event.id))
                return False
            await self.consumer.handle(session, event)
            # The handler may have committed or rolled back on its own: mark again (a no-op if kept).
            await session.exec(self._mark(event))
            await session.commit()
            return True


class InProcessSink:
    """The relay's sink with no broker configured: each event goes straight to this process's
    consumers that want it, tried up to `retries.max_attempts` times with a doubling pause between
    attempts; one that still fails is logged (there is no dead-letter queue in process) and the relay
    moves on. The relay waits out the pauses (events stay in order, as a queue keeps them)."""

    def __init__(self, consumers: Sequence[OnceByEventId], *, retries: HandlerRetries | None = None) -> None:
        self._consumers = list(consumers)
        self._retries = retries or HandlerRetries()

    async def deliver(self, event: DomainEvent) -> None:
        for consumer in self._consumers:
            if not consumer.consumer.wants(event.type):
                continue
            for attempt in range(1, self._retries.max_attempts + 1):
                try:
                    await consumer(event)
                    break
                except Exception:
                    if attempt == self._retries.max_attempts:
                        log.exception(
                            "events.dead_lettered",
                            consumer=consumer.consumer.name,
                            event_id=str(event.id),
                            type=event.type,
                        )
                    else:
                        log.warning(
                            "events.handler_failed",
                            consumer=consumer.consumer.name,
                            event_id=str(event.id),
                            type=event.type,
                            attempt=attempt,
                            retry_in=self._retries.pause_after(attempt),
                            exc_info=True,
                        )
                        await self._retries.wait_after(attempt)
