"""The webhook use cases: admins register, change, list and remove endpoints and redeliver a delivery;
the intake queues an event for the endpoints that want it. Every admin operation checks the role first.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

import structlog
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.auth import Caller, Role, require_role
from subgraphs.common.errors import BadUserInputError, NotFoundError
from subgraphs.common.events import DomainEvent
from subgraphs.common.pagination import decode_cursor, encode_cursor, invalid_cursor, page_size
from subgraphs.orders.webhooks import catalogue, repository
from subgraphs.orders.webhooks.models import DeliveryRecord, EndpointRecord
from subgraphs.orders.webhooks.repository import ListingKey
from subgraphs.orders.webhooks.signing import InvalidSecret, check_secret, generate_secret

log = structlog.get_logger(__name__)

MAX_URL_LENGTH = 2000
MAX_EVENT_TYPES = 50
DELIVERIES_PAGE_MAXIMUM = 100

T = TypeVar("T")


# ---------------------------------------------------------------- input rules


def check_url(url: str) -> str:
    """An absolute http or https URL with a host; BAD_USER_INPUT otherwise."""
    candidate = url.strip()
    try:
        parts = urlsplit(candidate)
        acceptable = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # such as a malformed port or IPv6 address
        acceptable = False
    if not acceptable or len(candidate) > MAX_URL_LENGTH:
        raise BadUserInputError(
            f"url must be an http or https URL with a host, at most {MAX_URL_LENGTH} characters.", field="url"
        )
    return candidate


def check_event_types(event_types: Sequence[str]) -> list[str]:
    """Known event types or patterns that match one (`order.*`, `#`), without repeats, in the order
    given; BAD_USER_INPUT naming those that are neither."""
    wanted = list(dict.fromkeys(event_type.strip() for event_type in event_types))
    if not wanted or len(wanted) > MAX_EVENT_TYPES:
        raise BadUserInputError(f"eventTypes needs 1 to {MAX_EVENT_TYPES} entries.", field="eventTypes")
    unknown = [event_type for event_type in wanted if not catalogue.known_or_matching(event_type)]
    if unknown:
        raise BadUserInputError(
            "eventTypes names no known event type.",
            field="eventTypes",
            unknown=unknown,
            known=list(catalogue.EVENT_TYPES),
        )
    return wanted


def _secret(secret: str | None) -> str:
    if secret is None:
        return generate_secret()
    try:
        return check_secret(secret.strip())
    except InvalidSecret as error:
        raise BadUserInputError(str(error), field="secret") from error


# ---------------------------------------------------------------- endpoints


@dataclass(frozen=True)
class CreatedEndpoint:
    """A new endpoint and its secret: the one time the secret is shown."""

    endpoint: EndpointRecord
    secret: str


@dataclass(frozen=True)
class EndpointChanges:
    """What `updateWebhookEndpoint` sets; None leaves a field as it is."""

    url: str | None = None
    event_types: Sequence[str] | None = None
    active: bool | None = None


def _admin(caller: Caller) -> None:
    require_role(caller, Role.ADMIN)


async def create_endpoint(
    *, session: AsyncSession, caller: Caller, url: str, event_types: Sequence[str], secret: str | None
) -> CreatedEndpoint:
    _admin(caller)
    checked_url, types, signing_secret = check_url(url), check_event_types(event_types), _secret(secret)
    endpoint = await repository.insert_endpoint(
        session=session, url=checked_url, event_types=types, secret=signing_secret
    )
    await session.commit()
    log.info("webhooks.endpoint_created", endpoint_id=str(endpoint.id), url=endpoint.url, event_types=types)
    return CreatedEndpoint(endpoint=endpoint, secret=signing_secret)


async def update_endpoint(
    *, session: AsyncSession, caller: Caller, endpoint_id: uuid.UUID, changes: EndpointChanges
) -> EndpointRecord:
    _admin(caller)
    values: dict[str, Any] = {}
    if changes.url is not None:
        values["url"] = check_url(changes.url)
    if changes.event_types is not None:
        values["event_types"] = check_event_types(changes.event_types)
    if changes.active is not None:
        values["active"] = changes.active
    if not values:
        raise BadUserInputError("Give at least one of url, eventTypes and active.", field="input")
    endpoint = await repository.update_endpoint(session=session, endpoint_id=endpoint_id, changes=values)
    if endpoint is None:
        await session.rollback()
        raise NotFoundError("No webhook endpoint has this id.", field="id")
    await session.commit()
    return endpoint


async def delete_endpoint(*, session: AsyncSession, caller: Caller, endpoint_id: uuid.UUID) -> None:
    """Delete the endpoint and its deliveries (deactivate it instead to keep them)."""
    _admin(caller)
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


async def list_endpoints(
    *, session: AsyncSession, caller: Caller, first: int | None, after: str | None
) -> Page[EndpointRecord]:
    _admin(caller)
    size = page_size(first)
    position = decode_listing_cursor(after) if after else None
    found = await repository.list_endpoints(session=session, limit=size + 1, after=position)
    return Page(
        items=[
            (endpoint, encode_listing_cursor((endpoint.created_at, endpoint.id))) for endpoint in found[:size]
        ],
        has_next_page=len(found) > size,
        has_previous_page=after is not None,
    )


async def recent_deliveries(
    *,
    session: AsyncSession,
    caller: Caller,
    endpoint_ids: Sequence[uuid.UUID],
    first: int | None,
    after: str | None,
) -> dict[uuid.UUID, Page[DeliveryRecord]]:
    """Each endpoint's deliveries, newest first, one page of each (one query for all)."""
    _admin(caller)
    size = page_size(first, maximum=DELIVERIES_PAGE_MAXIMUM)
    position = decode_listing_cursor(after) if after else None
    found = await repository.recent_deliveries(
        session=session, endpoint_ids=endpoint_ids, limit=size + 1, after=position
    )
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


async def redeliver(*, session: AsyncSession, caller: Caller, delivery_id: uuid.UUID) -> DeliveryRecord:
    """Send the delivery again as soon as the worker's next pass, whatever became of it; its retry
    window starts afresh."""
    _admin(caller)
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
