"""The webhook queries and mutations (admins only), merged into the orders subgraph's root types:
parse arguments, call the service, map records."""

from __future__ import annotations

import strawberry

from subgraphs.common.costs import connection_size
from subgraphs.common.ids import parse_id
from subgraphs.orders.webhooks import service
from subgraphs.orders.webhooks.inputs import CreateWebhookEndpointInput, UpdateWebhookEndpointInput
from subgraphs.orders.webhooks.types import (
    CreatedWebhookEndpoint,
    OrdersInfo,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEndpointConnection,
)


@strawberry.type
class WebhookQueries:
    @strawberry.field(
        description=(
            "Admins: the webhook endpoints, newest first (at most 100 a page), with their deliveries; "
            "null, with the error, for anyone else."
        ),
        directives=[connection_size()],
    )
    async def webhook_endpoints(
        self, info: OrdersInfo, first: int | None = None, after: str | None = None
    ) -> WebhookEndpointConnection | None:  # nullable: a refusal nulls this field only
        async with info.context.db.use() as session:
            page = await service.list_endpoints(
                session=session, caller=info.context.caller, first=first, after=after
            )
            await session.rollback()
        return WebhookEndpointConnection.from_page(page)


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(
        description="Admins: register an endpoint for the event types given; its secret is shown this once."
    )
    async def create_webhook_endpoint(
        self, info: OrdersInfo, input: CreateWebhookEndpointInput
    ) -> CreatedWebhookEndpoint:
        async with info.context.db.use() as session:
            created = await service.create_endpoint(
                session=session,
                caller=info.context.caller,
                url=input.url,
                event_types=input.event_types,
                secret=input.secret,
            )
        return CreatedWebhookEndpoint(
            endpoint=WebhookEndpoint.from_record(created.endpoint), secret=created.secret
        )

    @strawberry.mutation(description="Admins: change an endpoint's URL or event types, or (de)activate it.")
    async def update_webhook_endpoint(
        self, info: OrdersInfo, id: strawberry.ID, input: UpdateWebhookEndpointInput
    ) -> WebhookEndpoint:
        changes = service.EndpointChanges(url=input.url, event_types=input.event_types, active=input.active)
        async with info.context.db.use() as session:
            endpoint = await service.update_endpoint(
                session=session, caller=info.context.caller, endpoint_id=parse_id(id), changes=changes
            )
        return WebhookEndpoint.from_record(endpoint)

    @strawberry.mutation(
        description="Admins: remove an endpoint and its delivery log (or set active: false to keep them)."
    )
    async def delete_webhook_endpoint(self, info: OrdersInfo, id: strawberry.ID) -> strawberry.ID:
        async with info.context.db.use() as session:
            await service.delete_endpoint(
                session=session, caller=info.context.caller, endpoint_id=parse_id(id)
            )
        return id

    @strawberry.mutation(
        description=(
            "Admins: send a delivery again at once, whatever became of it; its retry window starts afresh."
        )
    )
    async def redeliver_webhook(self, info: OrdersInfo, delivery_id: strawberry.ID) -> WebhookDelivery:
        async with info.context.db.use() as session:
            delivery = await service.redeliver(
                session=session, caller=info.context.caller, delivery_id=parse_id(delivery_id, "deliveryId")
            )
        return WebhookDelivery.from_record(delivery)
