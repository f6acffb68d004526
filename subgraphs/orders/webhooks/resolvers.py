"""The webhook queries and mutations (admins only), merged into the orders subgraph's root types:
parse arguments, call a use case, map records."""

from __future__ import annotations

import strawberry

from subgraphs.common.costs import connection_size
from subgraphs.common.ids import parse_id
from subgraphs.common.model_inputs import parse_input
from subgraphs.orders.webhooks import service
from subgraphs.orders.webhooks.inputs import CreateWebhookEndpointInput, UpdateWebhookEndpointInput
from subgraphs.orders.webhooks.schemas import EndpointCreate, EndpointUpdate
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
        page = await info.context.run(service.list_endpoints, first=first, after=after)
        return WebhookEndpointConnection.from_page(page)


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(
        description="Admins: register an endpoint for the event types given; its secret is shown this once."
    )
    async def create_webhook_endpoint(
        self, info: OrdersInfo, input: CreateWebhookEndpointInput
    ) -> CreatedWebhookEndpoint:
        created = await info.context.run(service.create_endpoint, parse_input(EndpointCreate, input))
        return CreatedWebhookEndpoint(
            endpoint=WebhookEndpoint.from_record(created.endpoint), secret=created.secret
        )

    @strawberry.mutation(description="Admins: change an endpoint's URL or event types, or (de)activate it.")
    async def update_webhook_endpoint(
        self, info: OrdersInfo, id: strawberry.ID, input: UpdateWebhookEndpointInput
    ) -> WebhookEndpoint:
        endpoint_id, update = parse_id(id), parse_input(EndpointUpdate, input)
        return WebhookEndpoint.from_record(
            await info.context.run(service.update_endpoint, endpoint_id, update)
        )

    @strawberry.mutation(
        description="Admins: remove an endpoint and its delivery log (or set active: false to keep them)."
    )
    async def delete_webhook_endpoint(self, info: OrdersInfo, id: strawberry.ID) -> strawberry.ID:
        await info.context.run(service.delete_endpoint, parse_id(id))
        return id

    @strawberry.mutation(
        description=(
            "Admins: send a delivery again at once, whatever became of it; its retry window starts afresh."
        )
    )
    async def redeliver_webhook(self, info: OrdersInfo, delivery_id: strawberry.ID) -> WebhookDelivery:
        delivery = await info.context.run(service.redeliver, parse_id(delivery_id, "deliveryId"))
        return WebhookDelivery.from_record(delivery)
