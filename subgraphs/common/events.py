"""Domain events and the transactional outbox every subgraph writes them to.

A service appends an event with `append_event` in the same transaction as the change it reports, so the
event exists exactly when the change does; the relay (`event_relay.py`) publishes it later. The outbox
and the consumers' processed-events table live in each subgraph's own schema (`event_tables`). This
module knows no domain: event types and their data come from the subgraphs' services.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
import structlog
from opentelemetry.trace import get_current_span
from pydantic import BaseModel, ConfigDict
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID, insert
from sqlmodel.ext.asyncio.session import AsyncSession

OUTBOX_TABLE = "event_outbox"
PROCESSED_TABLE = "processed_events"

# The events a request appended (`recording_events`): the subgraph names what they changed in its
# answer, so the router drops it from its entity cache before answering (docs/router.md).
_recorded: ContextVar[list[DomainEvent] | None] = ContextVar("gocart_recorded_events", default=None)


class DomainEvent(BaseModel):
    """One event as published: the envelope every schema in schema/events/ shares, and its `data`.

    `aggregate_version` counts the events of one aggregate (1, 2, ...): a consumer can tell a missed or
    repeated event by it, and it is the order events of one aggregate are published in."""

    model_config = ConfigDict(frozen=True)

    id: uuid.UUID
    type: str
    schema_version: int
    source: str
    time: datetime
    aggregate_type: str
    aggregate_id: str
    aggregate_version: int
    request_id: str | None
    trace_id: str | None
    data: dict[str, Any]

    @property
    def routing_key(self) -> str:
        return self.type

    def to_json(self) -> bytes:
        return self.model_dump_json().encode()


@dataclass(frozen=True)
class EventTables:
    """A subgraph's outbox and processed-events tables (in its own schema)."""

    outbox: Table
    processed: Table


def event_tables(metadata: MetaData, schema: str) -> EventTables:
    """Declare the two tables in `schema` on `metadata` (each subgraph's models call it once)."""
    outbox = Table(
        OUTBOX_TABLE,
        metadata,
        # The order events were written in; the relay publishes in it.
        Column("position", BigInteger, Identity(always=True), primary_key=True),
        Column("id", UUID(as_uuid=True), nullable=False),
        Column("type", Text, nullable=False),
        Column("schema_version", Integer, nullable=False),
        Column("source", Text, nullable=False),
        Column("time", DateTime(timezone=True), nullable=False),
        Column("aggregate_type", Text, nullable=False),
        Column("aggregate_id", Text, nullable=False),
        Column("aggregate_version", Integer, nullable=False),
        Column("request_id", Text, nullable=True),
        Column("trace_id", Text, nullable=True),
        Column("data", JSONB, nullable=False),
        Column("sent_at", DateTime(timezone=True), nullable=True),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("last_error", Text, nullable=True),
        UniqueConstraint("id", name=f"{OUTBOX_TABLE}_id"),
        UniqueConstraint(
            "aggregate_type", "aggregate_id", "aggregate_version", name=f"{OUTBOX_TABLE}_aggregate_version"
        ),
        Index(f"{OUTBOX_TABLE}_unsent", "position", postgresql_where=text("sent_at IS NULL")),
        schema=schema,
    )
    processed = Table(
        PROCESSED_TABLE,
        metadata,
        Column("consumer", Text, primary_key=True),
        Column("event_id", UUID(as_uuid=True), primary_key=True),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        schema=schema,
    )
    return EventTables(outbox=outbox, processed=processed)


def _request_context() -> tuple[str | None, str | None]:
    """The request id of the request being served (from the log context the request middleware binds)
    and its trace id (from the current span, when the request is traced): events name where they came
    from."""
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    span_context = get_current_span().get_span_context()
    trace_id = format(span_context.trace_id, "032x") if span_context.is_valid else None
    return (str(request_id) if request_id else None, trace_id)


@dataclass(frozen=True)
class EventDraft:
    """An event to append: what happened to which aggregate (the envelope's other fields are added)."""

    type: str
    aggregate_type: str
    aggregate_id: uuid.UUID | str
    data: Mapping[str, Any]
    schema_version: int = 1


async def append_events(
    session: AsyncSession, tables: EventTables, *, source: str, drafts: Sequence[EventDraft]
) -> list[DomainEvent]:
    """Write events to the outbox in the session's transaction, in one statement (never commits).

    An event's aggregate version is the aggregate's last one plus one (plus its rank among this call's
    events of the same aggregate), read in the same statement: call it after the statement that locks
    the aggregate's row (an UPDATE, or the INSERT of a new one), so two transactions changing one
    aggregate number their events in commit order. One statement, so a hot row stays locked for one
    round trip more, however many events."""
    if not drafts:
        return []
    outbox = tables.outbox
    request_id, trace_id = _request_context()
    now = datetime.now(UTC)
    rank: dict[tuple[str, str], int] = {}
    rows: list[dict[str, Any]] = []
    events: list[DomainEvent] = []
    for draft in drafts:
        aggregate = str(draft.aggregate_id)
        key = (draft.aggregate_type, aggregate)
        rank[key] = rank.get(key, 0) + 1
        last_version = (
            select(func.coalesce(func.max(outbox.c.aggregate_version), 0))
            .where(outbox.c.aggregate_type == draft.aggregate_type, outbox.c.aggregate_id == aggregate)
            .scalar_subquery()
        )
        event_id = uuid.uuid4()
        json_data = _jsonable(draft.data)
        fields: dict[str, Any] = {
            "id": event_id,
            "type": draft.type,
            "schema_version": draft.schema_version,
            "source": source,
            "time": now,
            "aggregate_type": draft.aggregate_type,
            "aggregate_id": aggregate,
            "request_id": request_id,
            "trace_id": trace_id,
            "data": json_data,
        }
        rows.append({**fields, "aggregate_version": last_version + rank[key]})
        events.append(DomainEvent.model_validate({**fields, "aggregate_version": rank[key]}))
    statement = insert(outbox).values(rows).returning(outbox.c.id, outbox.c.aggregate_version)
    versions = dict((await session.exec(statement)).all())
    appended = [event.model_copy(update={"aggregate_version": versions[event.id]}) for event in events]
    recorded = _recorded.get()
    if recorded is not None:
        recorded.extend(appended)
    return appended


@contextlib.contextmanager
def recording_events() -> Iterator[list[DomainEvent]]:
    """The events appended in this context (and the tasks it starts) until it ends: those of one
    request. Some may belong to a transaction that was rolled back."""
    recorded: list[DomainEvent] = []
    token = _recorded.set(recorded)
    try:
        yield recorded
    finally:
        _recorded.reset(token)


async def append_event(
    session: AsyncSession,
    tables: EventTables,
    *,
    source: str,
    type: str,
    schema_version: int,
    aggregate_type: str,
    aggregate_id: uuid.UUID | str,
    data: Mapping[str, Any],
) -> DomainEvent:
    """`append_events` for one event."""
    draft = EventDraft(
        type=type,
        aggregate_type=aggregate_type,
        aggregate_id=aggregate_id,
        data=data,
        schema_version=schema_version,
    )
    return (await append_events(session, tables, source=source, drafts=[draft]))[0]


def _jsonable(data: Mapping[str, Any]) -> dict[str, Any]:
    """The data as JSON types (ids, decimals and times as strings), as a consumer will read it."""
    return dict(orjson.loads(orjson.dumps(data, default=str)))


def event_from_row(row: Mapping[Any, Any]) -> DomainEvent:
    """The event an outbox row holds."""
    return DomainEvent.model_validate({name: row[name] for name in DomainEvent.model_fields})
