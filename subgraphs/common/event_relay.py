"""The relay: publishes what the outbox holds, in order per aggregate, and marks it sent.

Each pass claims a batch of unsent rows with `FOR UPDATE SKIP LOCKED`, so several replicas relay one
outbox side by side without publishing a row twice. Order per aggregate holds across replicas: a row is
published only if no earlier unsent row of its aggregate is held by another relay (it waits for the next
pass). Within a batch the rows go out in waves: the first wave holds each aggregate's first row, the
next each one's second, and so on; a sink that takes events together (`BatchSink`, the broker) gets a
wave at once and its confirms are awaited together, and a wave starts only once the one before it was
confirmed whole, so an aggregate's events never overtake each other. The pass stops after the first
wave with a failure. A row is marked sent after its sink confirmed it (the broker's publisher confirm),
in the transaction that claimed it: a crash in between publishes it again (at least once; consumers
drop repeats by event id). When idle,
the relay also prunes sent rows past their retention (`outbox_pruning.py`), at most once a
`prune_interval_seconds`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import structlog
from prometheus_client import CollectorRegistry, Counter
from sqlalchemy import func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.common.db import SessionFactory
from subgraphs.common.events import DomainEvent, EventTables, event_from_row
from subgraphs.common.outbox_pruning import OutboxPruner

log = structlog.get_logger(__name__)


class EventSink(Protocol):
    """Where the relay hands events: the broker, or the in-process consumers."""

    async def deliver(self, event: DomainEvent) -> None:
        """Return once the event is safely handed over; raise if it was not."""


@runtime_checkable
class BatchSink(EventSink, Protocol):
    """A sink that takes several events at once (of distinct aggregates, so in any order)."""

    async def deliver_many(self, events: Sequence[DomainEvent]) -> list[BaseException | None]:
        """Hand the events over together; for each, None once it is safely handed over, else its
        error. Raise when none of them could be (e.g. no connection)."""


def waves(rows: Sequence[Any]) -> list[list[Any]]:
    """Rows (in outbox order) grouped so wave n holds each aggregate's n-th row, in outbox order."""
    grouped: list[list[Any]] = []
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        aggregate = (row["aggregate_type"], row["aggregate_id"])
        rank = seen.get(aggregate, 0)
        seen[aggregate] = rank + 1
        if rank == len(grouped):
            grouped.append([])
        grouped[rank].append(row)
    return grouped


@dataclass(frozen=True)
class RelayPolicy:
    batch_size: int = 100
    interval_seconds: float = 0.5
    max_backoff_seconds: float = 30.0
    prune_interval_seconds: float = 60.0


class RelayMetrics:
    def __init__(self, registry: CollectorRegistry | None) -> None:
        self.published = Counter(
            "gocart_events_published",
            "Outbox events handed to the broker (or in-process consumers).",
            ["type"],
            registry=registry,
        )
        self.pruned = Counter(
            "gocart_events_pruned",
            "Sent outbox rows deleted after their retention.",
            registry=registry,
        )
        self.failures = Counter(
            "gocart_event_relay_failures",
            "Relay passes that stopped on a failure to publish.",
            registry=registry,
        )


class OutboxRelay:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        tables: EventTables,
        sink: EventSink,
        policy: RelayPolicy,
        metrics: RelayMetrics | None = None,
        pruner: OutboxPruner | None = None,
    ) -> None:
        self._sessions = sessions
        self._pruner = pruner
        self._next_prune = 0.0  # loop time; the first idle pass prunes
        self._tables = tables
        self._sink = sink
        self._policy = policy
        self._metrics = metrics
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Run the next pass now rather than after the interval."""
        self._wake.set()

    async def relay_once(self) -> int:
        """One pass: publish what this relay may, mark it sent; how many were published. Raises the
        sink's error after marking what went out before it."""
        outbox = self._tables.outbox
        async with self._sessions() as session:
            connection = await session.connection()
            claimed = (
                (
                    await connection.execute(
                        select(outbox)
                        .where(outbox.c.sent_at.is_(None))
                        .order_by(outbox.c.position)
                        .limit(self._policy.batch_size)
                        .with_for_update(skip_locked=True)
                    )
                )
                .mappings()
                .all()
            )
            if not claimed:
                await session.rollback()
                return 0
            publishable = await self._first_in_line(connection, claimed)
            sent: list[int] = []
            failure: BaseException | None = None
            for wave in waves(publishable):
                events = [event_from_row(row) for row in wave]
                outcomes = await self._deliver_wave(events)
                for row, event, outcome in zip(wave, events, outcomes, strict=False):
                    if outcome is None:
                        sent.append(row["position"])
                        if self._metrics is not None:
                            self._metrics.published.labels(event.type).inc()
                        continue
                    failure = failure or outcome
                    await session.exec(
                        update(outbox)
                        .where(outbox.c.position == row["position"])
                        .values(
                            attempts=outbox.c.attempts + 1,
                            last_error=f"{type(outcome).__name__}: {outcome}"[:1000],
                        )
                    )
                if failure is not None:
                    break
            if sent:
                await session.exec(
                    update(outbox).where(outbox.c.position.in_(sent)).values(sent_at=func.now())
                )
            await session.commit()
        if failure is not None:
            raise failure
        return len(sent)

    async def _deliver_wave(self, events: Sequence[DomainEvent]) -> list[BaseException | None]:
        """Each event's outcome (None: handed over). A batch sink takes the wave at once; another gets
        the events one by one, up to the first failure (the rest are not tried: the list is shorter).
        A failure to deliver anything counts against the wave's first event."""
        if isinstance(self._sink, BatchSink):
            try:
                return await self._sink.deliver_many(events)
            except Exception as error:
                return [error]
        outcomes: list[BaseException | None] = []
        for event in events:
            try:
                await self._sink.deliver(event)
            except Exception as error:
                outcomes.append(error)
                break
            outcomes.append(None)
        return outcomes

    async def _first_in_line(self, connection: AsyncConnection, claimed: Sequence[Any]) -> list[Any]:
        """The claimed rows with no unsent row of their aggregate before them outside this claim
        (another relay holds it): those wait, so an aggregate's events never overtake each other."""
        outbox = self._tables.outbox
        aggregates = list({(row["aggregate_type"], row["aggregate_id"]) for row in claimed})
        ours = {row["position"] for row in claimed}
        unsent = await connection.execute(
            select(outbox.c.aggregate_type, outbox.c.aggregate_id, outbox.c.position)
            .where(
                outbox.c.sent_at.is_(None),
                outbox.c.position <= max(ours),
                tuple_(outbox.c.aggregate_type, outbox.c.aggregate_id).in_(aggregates),
            )
            .order_by(outbox.c.position)
        )
        allowed: set[int] = set()
        held_elsewhere: set[tuple[str, str]] = set()
        for aggregate_type, aggregate_id, position in unsent:
            aggregate = (aggregate_type, aggregate_id)
            if position not in ours:
                held_elsewhere.add(aggregate)
            elif aggregate not in held_elsewhere:
                allowed.add(position)
        return [row for row in claimed if row["position"] in allowed]

    async def _prune_if_due(self) -> None:
        """Prune once the interval has passed since the last time; a failure is logged and waits for
        the next time (it never holds up publishing)."""
        loop = asyncio.get_running_loop()
        if self._pruner is None or loop.time() < self._next_prune:
            return
        self._next_prune = loop.time() + self._policy.prune_interval_seconds
        try:
            pruned = await self._pruner.prune_once()
        except Exception as error:
            log.warning("events.prune_failed", error=f"{type(error).__name__}: {error}")
            return
        if pruned:
            log.info("events.pruned", rows=pruned)
            if self._metrics is not None:
                self._metrics.pruned.inc(pruned)

    async def run_forever(self) -> None:
        """Relay until cancelled: at once while there is more, after the interval when idle, with a
        growing pause (to `max_backoff_seconds`) while the sink fails."""
        backoff = self._policy.interval_seconds
        while True:
            try:
                published = await self.relay_once()
                backoff = self._policy.interval_seconds
                if published >= self._policy.batch_size:
                    continue
                await self._prune_if_due()
                delay = self._policy.interval_seconds
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if self._metrics is not None:
                    self._metrics.failures.inc()
                log.warning(
                    "events.relay_deferred", error=f"{type(error).__name__}: {error}", retry_in=backoff
                )
                delay = backoff
                backoff = min(self._policy.max_backoff_seconds, max(backoff, 0.1) * 2)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
