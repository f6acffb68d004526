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
from subgraphs.common.handler_failures import failure_log_fields
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


class ConsumerFailed(Exception):
    """A consumer's handler failed on an event the in-process sink delivered: the relay keeps the event
    unsent and delivers it again."""


class InProcessSink:
    """The relay's sink with no broker configured: each event goes straight to this process's
    consumers that want it, each tried once per delivery. One that fails fails the delivery, after the
    others were tried: the relay keeps the event unsent (its `attempts` counted) and delivers it again
    after its own growing pause, and the consumers that handled it skip it then (their processed-events
    mark). A consumer's `retries.max_attempts`-th failure on an event is logged as dead-lettered (there
    is no dead-letter queue in process) and no longer fails the delivery: the relay moves on.

    No pause is waited here: the relay would wait it in the transaction that holds its claimed rows
    locked. The failures are counted in this process (a restart counts again from none)."""

    def __init__(self, consumers: Sequence[OnceByEventId], *, retries: HandlerRetries | None = None) -> None:
        self._consumers = list(consumers)
        self._max_attempts = (retries or HandlerRetries()).max_attempts
        self._failures: dict[tuple[str, uuid.UUID], int] = {}

    async def deliver(self, event: DomainEvent) -> None:
        failed: list[ConsumerFailed] = []
        for consumer in self._consumers:
            if consumer.consumer.wants(event.type):
                failure = await self._attempt(consumer, event)
                if failure is not None:
                    failed.append(failure)
        if failed:
            raise failed[0]

    async def _attempt(self, consumer: OnceByEventId, event: DomainEvent) -> ConsumerFailed | None:
        """Run the consumer on the event once; why it must be delivered again, or None."""
        key = (consumer.consumer.name, event.id)
        try:
            await consumer(event)
        except Exception as error:
            failures = self._failures.pop(key, 0) + 1
            if failures >= self._max_attempts:
                log.error(
                    "events.dead_lettered",
                    consumer=key[0],
                    event_id=str(event.id),
                    type=event.type,
                    **failure_log_fields(error),
                )
                return None
            self._failures[key] = failures
            log.warning(
                "events.handler_failed",
                consumer=key[0],
                event_id=str(event.id),
                type=event.type,
                attempt=failures,
                **failure_log_fields(error),
            )
            failed = ConsumerFailed(f"consumer {key[0]} failed: {type(error).__name__}: {error}")
            failed.__cause__ = error
            return failed
        self._failures.pop(key, None)
        return None
