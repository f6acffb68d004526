"""GraphQL types of the webhook operations, built from records (never from ORM rows)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

import strawberry
from strawberry.types import Info

from subgraphs.common.costs import connection_size
from subgraphs.common.graphql_types import PageInfo
from subgraphs.orders.webhooks.models import DeliveryRecord, DeliveryStatus, EndpointRecord
from subgraphs.orders.webhooks.service import Page

if TYPE_CHECKING:
    from subgraphs.orders.context import OrdersContext

    OrdersInfo = Info[OrdersContext, None]
else:
    OrdersInfo = Info

strawberry.enum(
    DeliveryStatus,
    name="WebhookDeliveryStatus",
    description="PENDING until the endpoint answers 2xx (SUCCEEDED) or the retry window ends (FAILED).",
)


@strawberry.type(description="One event owed to one endpoint, and what its last attempt saw.")
class WebhookDelivery:
    id: strawberry.ID
    event_id: strawberry.ID = strawberry.field(
        description="Also the `webhook-id` header: the same on every retry."
    )
    event_type: str
    status: DeliveryStatus
    attempts: int = strawberry.field(description="Attempts since it was queued (or last redelivered).")
    next_attempt_at: datetime | None = strawberry.field(description="When it is tried next, while PENDING.")
    last_attempt_at: datetime | None
    last_status_code: int | None = strawberry.field(
        description="The HTTP status of the last answer; null when none came (timeout, refused)."
    )
    last_response_time_ms: int | None
    last_error: str | None
    created_at: datetime

    @classmethod
    def from_record(cls, record: DeliveryRecord) -> WebhookDelivery:
        return cls(
            id=strawberry.ID(str(record.id)),
            event_id=strawberry.ID(str(record.event_id)),
            event_type=record.event_type,
            status=record.status,
            attempts=record.attempts,
            next_attempt_at=record.next_attempt_at if record.status is DeliveryStatus.PENDING else None,
            last_attempt_at=record.last_attempt_at,
            last_status_code=record.last_status_code,
            last_response_time_ms=record.last_response_ms,
            last_error=record.last_error,
            created_at=record.created_at,
        )


@strawberry.type
class WebhookDeliveryEdge:
    cursor: str
    node: WebhookDelivery


@strawberry.type(description="A page of an endpoint's deliveries, newest first.")
class WebhookDeliveryConnection:
    edges: list[WebhookDeliveryEdge]
    page_info: PageInfo

    @strawberry.field
    def nodes(self) -> list[WebhookDelivery]:
        return [edge.node for edge in self.edges]

    @classmethod
    def from_page(cls, page: Page[DeliveryRecord]) -> WebhookDeliveryConnection:
        edges = [
            WebhookDeliveryEdge(cursor=cursor, node=WebhookDelivery.from_record(record))
            for record, cursor in page.items
        ]
        return cls(
            edges=edges,
            page_info=PageInfo.of(
                [edge.cursor for edge in edges],
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
            ),
        )


@strawberry.type(description="An HTTP endpoint that receives the events it asked for, signed.")
class WebhookEndpoint:
    id: strawberry.ID
    url: str
    event_types: list[str] = strawberry.field(description="Event types and topic patterns it wants.")
    active: bool
    created_at: datetime

    @classmethod
    def from_record(cls, record: EndpointRecord) -> WebhookEndpoint:
        return cls(
            id=strawberry.ID(str(record.id)),
            url=record.url,
            event_types=list(record.event_types),
            active=record.active,
            created_at=record.created_at,
        )

    @strawberry.field(
        description="Its deliveries, newest first (at most 100 a page).", directives=[connection_size()]
    )
    async def deliveries(
        self, info: OrdersInfo, first: int | None = None, after: str | None = None
    ) -> WebhookDeliveryConnection:
        page = await info.context.webhook_deliveries.load(uuid.UUID(str(self.id)), first=first, after=after)
        return WebhookDeliveryConnection.from_page(page)


@strawberry.type
class WebhookEndpointEdge:
    cursor: str
    node: WebhookEndpoint


@strawberry.type(description="A page of webhook endpoints, newest first.")
class WebhookEndpointConnection:
    edges: list[WebhookEndpointEdge]
    page_info: PageInfo

    @strawberry.field
    def nodes(self) -> list[WebhookEndpoint]:
        return [edge.node for edge in self.edges]

    @classmethod
    def from_page(cls, page: Page[EndpointRecord]) -> WebhookEndpointConnection:
        edges = [
            WebhookEndpointEdge(cursor=cursor, node=WebhookEndpoint.from_record(record))
            for record, cursor in page.items
        ]
        return cls(
            edges=edges,
            page_info=PageInfo.of(
                [edge.cursor for edge in edges],
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
            ),
        )


@strawberry.type(description="A new endpoint and its signing secret, shown this once.")
class CreatedWebhookEndpoint:
    endpoint: WebhookEndpoint
    secret: str = strawberry.field(description="`whsec_...`: verify deliveries with it (docs/events.md).")
