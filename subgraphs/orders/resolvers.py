"""Root queries and mutations of the orders subgraph: parse arguments, call a use case, map records.

Resolvers hold no rules of their own: what input is valid lives in `schemas`, who may do what in
`services`; `info.context.run` gives a use case the request's dependencies.
"""

from __future__ import annotations

import strawberry

from subgraphs.common.auth import require_signed_in
from subgraphs.common.costs import connection_size
from subgraphs.common.ids import parse_id
from subgraphs.common.model_inputs import parse_input
from subgraphs.orders.enums import OrderStatus
from subgraphs.orders.inputs import OrderFilter, PlaceOrderInput
from subgraphs.orders.models import OrderRecord
from subgraphs.orders.schemas import OrderCancellation, OrderPlacement, StatusUpdate
from subgraphs.orders.services import checkout, lifecycle, queries
from subgraphs.orders.services.access import can_see, check_reader
from subgraphs.orders.types import Order, OrderConnection, OrdersInfo, order_connection
from subgraphs.orders.webhooks.resolvers import WebhookMutations, WebhookQueries


@strawberry.type
class Query(WebhookQueries):
    @strawberry.field(description="An order by id: for its customer or an admin; null otherwise.")
    async def order(self, info: OrdersInfo, id: strawberry.ID) -> Order | None:
        check_reader(info.context.caller)
        record = await info.context.loaders.orders.load(parse_id(id))
        if record is None or not can_see(info.context.caller, record):
            return None
        return info.context.caches.orders.view(record, Order.from_record)

    @strawberry.field(
        description=(
            "Admins: every order, newest first, filtered (at most 100 a page); null, with the error, for "
            "anyone else."
        ),
        directives=[connection_size()],
    )
    async def orders(
        self,
        info: OrdersInfo,
        filter: OrderFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> OrderConnection | None:  # nullable: a refusal nulls this field only, not the whole answer
        search = (filter or OrderFilter()).to_search()
        page = await info.context.run(queries.list_orders, search, first=first, after=after)
        return await order_connection(info, page)


@strawberry.type
class Mutation(WebhookMutations):
    @strawberry.mutation(
        description=(
            "Customers: place an order for the cart and pay for it. A declined payment is not an error: "
            "the order comes back PAYMENT_FAILED with payment.failureReason."
        )
    )
    async def place_order(self, info: OrdersInfo, input: PlaceOrderInput) -> Order:
        require_signed_in(info.context.caller)  # an anonymous checkout is UNAUTHENTICATED whatever its cart
        record = await info.context.run(checkout.place_order, parse_input(OrderPlacement, input))
        return _primed(info, record)

    @strawberry.mutation(
        description="Cancel a paid order before it ships (its customer or an admin): refunded and restocked."
    )
    async def cancel_order(self, info: OrdersInfo, id: strawberry.ID, reason: str | None = None) -> Order:
        cancellation = parse_input(OrderCancellation, order_id=id, reason=reason)
        return _primed(info, await info.context.run(lifecycle.cancel_order, cancellation))

    @strawberry.mutation(description="Admins: move an order along fulfilment (SHIPPED, then DELIVERED).")
    async def update_order_status(
        self, info: OrdersInfo, id: strawberry.ID, status: OrderStatus, note: str | None = None
    ) -> Order:
        update = parse_input(StatusUpdate, order_id=id, status=status, note=note)
        return _primed(info, await info.context.run(lifecycle.update_order_status, update))


def _primed(info: OrdersInfo, record: OrderRecord) -> Order:
    """The order a mutation returns, kept in the request's loader for the fields read after it."""
    info.context.loaders.orders.prime(record.id, record)
    return Order.from_record(record)
