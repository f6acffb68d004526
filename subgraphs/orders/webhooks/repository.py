"""SQL of the webhook tables. Functions take a session and keyword-only arguments and return records;
they never commit (the service, or the worker, owns the transaction)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, true, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import aliased
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.orders.models import utc_now
from subgraphs.orders.webhooks.models import (
    DeliveryRecord,
    DeliveryStatus,
    EndpointRecord,
    OutgoingDelivery,
    WebhookDelivery,
    WebhookEndpoint,
)

ListingKey = tuple[datetime, uuid.UUID]


def _endpoint_record(row: WebhookEndpoint) -> EndpointRecord:
    return EndpointRecord(
        id=row.id,
        url=row.url,
        event_types=list(row.event_types),
        active=row.active,
        created_at=row.created_at,
    )


def _delivery_record(row: WebhookDelivery) -> DeliveryRecord:
    return DeliveryRecord(
        id=row.id,
        endpoint_id=row.endpoint_id,
        event_id=row.event_id,
        event_type=row.event_type,
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        first_attempt_at=row.first_attempt_at,
        last_attempt_at=row.last_attempt_at,
        last_status_code=row.last_status_code,
        last_response_ms=row.last_response_ms,
        last_error=row.last_error,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


# ---------------------------------------------------------------- endpoints


async def insert_endpoint(
    *, session: AsyncSession, url: str, event_types: Sequence[str], secret: str
) -> EndpointRecord:
    row = WebhookEndpoint(url=url, event_types=list(event_types), secret=secret)
    session.add(row)
    await session.flush()
    return _endpoint_record(row)


async def update_endpoint(
    *, session: AsyncSession, endpoint_id: uuid.UUID, changes: Mapping[str, Any]
) -> EndpointRecord | None:
    statement = (
        update(WebhookEndpoint)
        .where(col(WebhookEndpoint.id) == endpoint_id)
        .values(**changes)
        .returning(WebhookEndpoint)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    row = (await session.exec(statement)).scalars().first()
    return _endpoint_record(row) if row is not None else None


async def delete_endpoint(*, session: AsyncSession, endpoint_id: uuid.UUID) -> bool:
    """Delete the endpoint and, by cascade, its deliveries; whether there was one."""
    statement = (
        delete(WebhookEndpoint)
        .where(col(WebhookEndpoint.id) == endpoint_id)
        .returning(col(WebhookEndpoint.id))
    )
    return (await session.exec(statement)).first() is not None


async def list_endpoints(
    *, session: AsyncSession, limit: int, after: ListingKey | None
) -> list[EndpointRecord]:
    """Newest first, by (created_at, id)."""
    query = select(WebhookEndpoint)
    if after is not None:
        query = query.where(tuple_(col(WebhookEndpoint.created_at), col(WebhookEndpoint.id)) < tuple_(*after))
    query = query.order_by(col(WebhookEndpoint.created_at).desc(), col(WebhookEndpoint.id).desc()).limit(
        limit
    )
    return [_endpoint_record(row) for row in (await session.exec(query)).all()]


async def active_endpoints(*, session: AsyncSession) -> list[tuple[uuid.UUID, list[str]]]:
    """Every active endpoint's id and the event types it wants."""
    query = select(col(WebhookEndpoint.id), col(WebhookEndpoint.event_types)).where(
        col(WebhookEndpoint.active).is_(True)
    )
    return [(endpoint_id, list(types)) for endpoint_id, types in (await session.exec(query)).all()]


# ---------------------------------------------------------------- deliveries


async def queue_deliveries(
    *,
    session: AsyncSession,
    endpoint_ids: Sequence[uuid.UUID],
    event_id: uuid.UUID,
    event_type: str,
    payload: str,
) -> int:
    """One pending delivery of the event per endpoint, unless that endpoint has it already; how many
    were queued."""
    if not endpoint_ids:
        return 0
    now = utc_now()
    rows = [
        {
            "id": uuid.uuid4(),
            "endpoint_id": endpoint_id,
            "event_id": event_id,
            "event_type": event_type,
            "payload": payload,
            "status": DeliveryStatus.PENDING.value,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for endpoint_id in endpoint_ids
    ]
    statement = (
        insert(WebhookDelivery)
        .values(rows)
        .on_conflict_do_nothing(constraint="webhook_deliveries_endpoint_event")
        .returning(col(WebhookDelivery.id))
    )
    return len((await session.exec(statement)).all())


async def get_delivery(*, session: AsyncSession, delivery_id: uuid.UUID) -> DeliveryRecord | None:
    row = await session.get(WebhookDelivery, delivery_id, populate_existing=True)
    return _delivery_record(row) if row is not None else None


async def recent_deliveries(
    *, session: AsyncSession, endpoint_ids: Sequence[uuid.UUID], limit: int, after: ListingKey | None
) -> dict[uuid.UUID, list[DeliveryRecord]]:
    """Each endpoint's deliveries, newest first, at most `limit` of each after `after`, in one query."""
    if not endpoint_ids:
        return {}
    ids = (
        select(col(WebhookEndpoint.id).label("endpoint_id"))
        .where(col(WebhookEndpoint.id).in_(list(endpoint_ids)))
        .subquery("wanted")
    )
    newer = (
        true()
        if after is None
        else tuple_(col(WebhookDelivery.created_at), col(WebhookDelivery.id)) < tuple_(*after)
    )
    per_endpoint = (
        select(WebhookDelivery)
        .where(col(WebhookDelivery.endpoint_id) == ids.c.endpoint_id, newer)
        .order_by(col(WebhookDelivery.created_at).desc(), col(WebhookDelivery.id).desc())
        .limit(limit)
        .subquery()
        .lateral("delivery")
    )
    delivery = aliased(WebhookDelivery, per_endpoint)
    query = select(delivery).select_from(ids).join(per_endpoint, true())
    found: dict[uuid.UUID, list[DeliveryRecord]] = {endpoint_id: [] for endpoint_id in endpoint_ids}
    for row in (await session.exec(query)).all():
        found[row.endpoint_id].append(_delivery_record(row))
    return found


async def redeliver(*, session: AsyncSession, delivery_id: uuid.UUID) -> DeliveryRecord | None:
    """Put the delivery back in line, due now, with a fresh retry window."""
    statement = (
        update(WebhookDelivery)
        .where(col(WebhookDelivery.id) == delivery_id)
        .values(
            status=DeliveryStatus.PENDING.value,
            attempts=0,
            next_attempt_at=func.now(),
            first_attempt_at=None,
            updated_at=func.now(),
        )
        .returning(WebhookDelivery)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    row = (await session.exec(statement)).scalars().first()
    return _delivery_record(row) if row is not None else None


async def claim_due_deliveries(
    *,
    session: AsyncSession,
    now: datetime,
    per_endpoint: int,
    limit: int,
    lease: timedelta,
    skip_endpoints: Sequence[uuid.UUID],
) -> list[OutgoingDelivery]:
    """Take due deliveries of active endpoints that no other worker holds (`FOR UPDATE SKIP LOCKED`),
    at most `per_endpoint` of each endpoint (oldest due first) and `limit` in all, none of the
    endpoints in `skip_endpoints` (this worker is still sending to them), and push their next attempt
    `lease` ahead: once committed, another replica leaves them alone while this one sends them, and a
    worker that dies mid-way leaves them due again when the lease ends."""
    endpoints = select(col(WebhookEndpoint.id)).where(col(WebhookEndpoint.active).is_(True))
    if skip_endpoints:
        endpoints = endpoints.where(col(WebhookEndpoint.id).not_in(list(skip_endpoints)))
    endpoint_rows = endpoints.subquery("endpoint")
    due = (
        select(col(WebhookDelivery.id))
        .where(
            col(WebhookDelivery.endpoint_id) == endpoint_rows.c.id,
            col(WebhookDelivery.status) == DeliveryStatus.PENDING.value,
            col(WebhookDelivery.next_attempt_at) <= now,
        )
        .order_by(col(WebhookDelivery.next_attempt_at))
        .limit(per_endpoint)
        .with_for_update(skip_locked=True)
        .lateral("due")
    )
    claimable = select(due.c.id).select_from(endpoint_rows).join(due, true()).limit(limit)
    claimed = (
        update(WebhookDelivery)
        .where(col(WebhookDelivery.id).in_(claimable.scalar_subquery()))
        .values(next_attempt_at=now + lease)
        .returning(col(WebhookDelivery.id))
    )
    claimed_ids = list((await session.exec(claimed)).scalars())
    if not claimed_ids:
        return []
    query = (
        select(WebhookDelivery, WebhookEndpoint)
        .join(WebhookEndpoint, col(WebhookEndpoint.id) == col(WebhookDelivery.endpoint_id))
        .where(col(WebhookDelivery.id).in_(claimed_ids))
    )
    return [
        OutgoingDelivery(
            id=delivery.id,
            endpoint_id=endpoint.id,
            url=endpoint.url,
            secret=endpoint.secret,
            event_id=delivery.event_id,
            event_type=delivery.event_type,
            payload=delivery.payload,
            attempts=delivery.attempts,
            first_attempt_at=delivery.first_attempt_at,
            leased_until=delivery.next_attempt_at,
        )
        for delivery, endpoint in (await session.exec(query)).all()
    ]


async def record_attempt(
    *,
    session: AsyncSession,
    delivery_id: uuid.UUID,
    leased_until: datetime,
    status: DeliveryStatus,
    attempted_at: datetime,
    next_attempt_at: datetime,
    status_code: int | None,
    response_ms: int,
    error: str | None,
) -> bool:
    """What one attempt saw; the first attempt's time is kept (the retry window counts from it).

    Recorded only if the delivery still holds the lease of the claim that sent it: one redelivered
    meanwhile, or claimed again by another worker once the lease ended, is theirs now. Whether it was."""
    statement = (
        update(WebhookDelivery)
        .where(
            col(WebhookDelivery.id) == delivery_id,
            col(WebhookDelivery.status) == DeliveryStatus.PENDING.value,
            col(WebhookDelivery.next_attempt_at) == leased_until,
        )
        .values(
            status=status.value,
            attempts=col(WebhookDelivery.attempts) + 1,
            first_attempt_at=func.coalesce(col(WebhookDelivery.first_attempt_at), attempted_at),
            last_attempt_at=attempted_at,
            next_attempt_at=next_attempt_at,
            last_status_code=status_code,
            last_response_ms=response_ms,
            last_error=error[:1000] if error else None,
            updated_at=func.now(),
        )
        .returning(col(WebhookDelivery.id))
        .execution_options(synchronize_session=False)
    )
    return (await session.exec(statement)).first() is not None
