"""The relay: publishes what the outbox holds, in order, and marks it sent.

Each pass claims a batch of unsent rows with `FOR UPDATE SKIP LOCKED`, so several replicas relay one
outbox side by side without publishing a row twice. Order per aggregate holds across replicas: a row is
published only if no earlier unsent row of its aggregate is held by another relay (it waits for the next
pass), and within a batch rows go out in outbox order, stopping at the first failure. A row is marked
sent after its sink confirmed it (the broker's publisher confirm), in the transaction that claimed it:
a crash in between publishes it again (at least once; consumers drop repeats by event id). When idle,
the relay also prunes sent rows past their retention (`outbox_pruning.py`), at most once a
`prune_interval_seconds`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

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
            for row in publishable:
                event = event_from_row(row)
                try:
                    await self._sink.deliver(event)
                except Exception as error:
                    failure = error
                    await session.exec(
                        update(outbox)
                        .where(outbox.c.position == row["position"])
                        .values(
                            attempts=outbox.c.attempts + 1,
                            last_error=f"{type(error).__name__}: {error}"[:1000],
                        )
                    )
                    break
                sent.append(row["position"])
                if self._metrics is not None:
                    self._metrics.published.labels(event.type).inc()
            if sent:
                await session.exec(
                    update(outbox).where(outbox.c.position.in_(sent)).values(sent_at=func.now())
                )
            await session.commit()
        if failure is not None:
            raise failure
        return len(sent)

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
