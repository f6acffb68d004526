"""The webhook use cases: admins register, change, list and remove endpoints and redeliver a delivery;
the intake queues an event for the endpoints that want it. Every admin operation checks the role before
it reads anything; its input was checked when the resolver parsed it (`schemas`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

import structlog
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.auth import Caller, Role, require_role
from subgraphs.common.errors import NotFoundError
from subgraphs.common.events import DomainEvent
from subgraphs.common.pagination import decode_cursor, encode_cursor, invalid_cursor, page_size
from subgraphs.common.use_cases import RequestDeps
from subgraphs.orders.webhooks import catalogue, repository
from subgraphs.orders.webhooks.models import DeliveryRecord, EndpointRecord
from subgraphs.orders.webhooks.repository import ListingKey
from subgraphs.orders.webhooks.schemas import EndpointCreate, EndpointUpdate

log = structlog.get_logger(__name__)

MAX_URL_LENGTH = 2000
MAX_EVENT_TYPES = 50
DELIVERIES_PAGE_MAXIMUM = 100

T = TypeVar("T")


# ---------------------------------------------------------------- endpoints


@dataclass(frozen=True)
class CreatedEndpoint:
    """A new endpoint and its secret: the one time the secret is shown."""

    endpoint: EndpointRecord
    secret: str


def _admin(caller: Caller) -> None:
    require_role(caller, Role.ADMIN)


async def create_endpoint(deps: RequestDeps, created: EndpointCreate) -> CreatedEndpoint:
    _admin(deps.caller)
    endpoint = await repository.insert_endpoint(
        session=deps.session, url=created.url, event_types=created.event_types, secret=created.secret
    )
    await deps.session.commit()
    log.info(
        "webhooks.endpoint_created",
        endpoint_id=str(endpoint.id),
        url=endpoint.url,
        event_types=created.event_types,
    )
    return CreatedEndpoint(endpoint=endpoint, secret=created.secret)


async def update_endpoint(
    deps: RequestDeps, endpoint_id: uuid.UUID, update: EndpointUpdate
) -> EndpointRecord:
    _admin(deps.caller)
    session = deps.session
    endpoint = await repository.update_endpoint(
        session=session, endpoint_id=endpoint_id, changes=update.changes()
    )
    if endpoint is None:
        await session.rollback()
        raise NotFoundError("No webhook endpoint has this id.", field="id")
    await session.commit()
    return endpoint


async def delete_endpoint(deps: RequestDeps, endpoint_id: uuid.UUID) -> None:
    """Delete the endpoint and its deliveries (deactivate it instead to keep them)."""
    _admin(deps.caller)
    session = deps.session
    if not await repository.delete_endpoint(session=session, endpoint_id=endpoint_id):
        await session.rollback()
        raise NotFoundError("No webhook endpoint has this id.", field="id")
    await session.commit()


# ---------------------------------------------------------------- listings


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a newest-first listing, each item with its cursor."""

    items: list[tuple[T, str]]
    has_next_page: bool
    has_previous_page: bool


def encode_listing_cursor(key: ListingKey) -> str:
    created_at, item_id = key
    return encode_cursor({"t": created_at.isoformat(), "i": str(item_id)})


def decode_listing_cursor(cursor: str) -> ListingKey:
    position = decode_cursor(cursor)
    try:
        return datetime.fromisoformat(position["t"]), uuid.UUID(str(position["i"]))
    except (KeyError, TypeError, ValueError) as error:
        raise invalid_cursor() from error


async def list_endpoints(deps: RequestDeps, *, first: int | None, after: str | None) -> Page[EndpointRecord]:
    _admin(deps.caller)
    size = page_size(first)
    position = decode_listing_cursor(after) if after else None
    found = await repository.list_endpoints(session=deps.session, limit=size + 1, after=position)
    await deps.session.rollback()
    return Page(
        items=[
            (endpoint, encode_listing_cursor((endpoint.created_at, endpoint.id))) for endpoint in found[:size]
        ],
        has_next_page=len(found) > size,
        has_previous_page=after is not None,
    )


async def recent_deliveries(
    deps: RequestDeps, endpoint_ids: Sequence[uuid.UUID], *, first: int | None, after: str | None
) -> dict[uuid.UUID, Page[DeliveryRecord]]:
    """Each endpoint's deliveries, newest first, one page of each (one query for all)."""
    _admin(deps.caller)
    size = page_size(first, maximum=DELIVERIES_PAGE_MAXIMUM)
    position = decode_listing_cursor(after) if after else None
    found = await repository.recent_deliveries(
        session=deps.session, endpoint_ids=endpoint_ids, limit=size + 1, after=position
    )
    await deps.session.rollback()
    return {
        endpoint_id: Page(
            items=[
                (delivery, encode_listing_cursor((delivery.created_at, delivery.id)))
                for delivery in deliveries[:size]
            ],
            has_next_page=len(deliveries) > size,
            has_previous_page=after is not None,
        )
        for endpoint_id, deliveries in found.items()
    }


async def redeliver(deps: RequestDeps, delivery_id: uuid.UUID) -> DeliveryRecord:
    """Send the delivery again as soon as the worker's next pass, whatever became of it; its retry
    window starts afresh."""
    _admin(deps.caller)
    session = deps.session
    delivery = await repository.redeliver(session=session, delivery_id=delivery_id)
    if delivery is None:
        await session.rollback()
        raise NotFoundError("No webhook delivery has this id.", field="deliveryId")
    await session.commit()
    log.info("webhooks.redelivery_requested", delivery_id=str(delivery_id), event_id=str(delivery.event_id))
    return delivery


# ---------------------------------------------------------------- intake


async def queue_event(session: AsyncSession, event: DomainEvent) -> int:
    """Queue the event for every active endpoint that wants it, in the caller's transaction (never
    commits); how many deliveries were queued. Queued at most once per endpoint."""
    endpoint_ids = [
        endpoint_id
        for endpoint_id, patterns in await repository.active_endpoints(session=session)
        if catalogue.wanted_by(patterns, event.type)
    ]
    return await repository.queue_deliveries(
        session=session,
        endpoint_ids=endpoint_ids,
        event_id=event.id,
        event_type=event.type,
        payload=event.to_json().decode(),
    )
