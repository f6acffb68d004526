"""Pruning the outbox: sent rows older than the retention are deleted, a bounded batch at a time, by
the relay when it is idle (`event_relay.py`).

The newest row of every aggregate is kept whatever its age: `append_events` numbers an aggregate's
next event from its last one in the outbox, so deleting that row would start its versions again at 1.
A pass looks only at the oldest `batch_size` rows (by outbox position, on the primary key), so it
costs the same on an outbox of any size; rows are sent in about position order, so the head is where
the prunable ones are. Several replicas may prune at once: a row two of them pick is deleted once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, delete, exists, select

from subgraphs.common.db import SessionFactory
from subgraphs.common.events import EventTables


@dataclass(frozen=True)
class PrunePolicy:
    retention: timedelta
    batch_size: int = 1000


class OutboxPruner:
    def __init__(self, *, sessions: SessionFactory, tables: EventTables, policy: PrunePolicy) -> None:
        self._sessions = sessions
        self._tables = tables
        self._policy = policy

    async def prune_once(self, now: datetime | None = None) -> int:
        """Delete prunable rows among the oldest `batch_size`; how many were deleted."""
        outbox = self._tables.outbox
        later = outbox.alias("later")
        cutoff = (now or datetime.now(UTC)) - self._policy.retention
        head = select(outbox.c.position).order_by(outbox.c.position).limit(self._policy.batch_size)
        newer_of_same_aggregate = exists().where(
            and_(
                later.c.aggregate_type == outbox.c.aggregate_type,
                later.c.aggregate_id == outbox.c.aggregate_id,
                later.c.aggregate_version > outbox.c.aggregate_version,
            )
        )
        statement = delete(outbox).where(
            outbox.c.position.in_(head.scalar_subquery()),
            outbox.c.sent_at.is_not(None),
            outbox.c.sent_at < cutoff,
            newer_of_same_aggregate,
        )
        async with self._sessions() as session:
            result = await session.exec(statement)
            await session.commit()
        return int(result.rowcount)
