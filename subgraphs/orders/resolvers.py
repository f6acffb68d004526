"""Root queries and mutations of the orders subgraph: parse arguments, call a service, map records.

Resolvers hold no rules of their own; who may do what and what input is valid live in `service`.
"""

from __future__ import annotations

import strawberry

from subgraphs.common.costs import connection_size
from subgraphs.common.ids import parse_id
from subgraphs.orders import service
from subgraphs.orders.enums import OrderStatus
from subgraphs.orders.inputs import OrderFilter, PlaceOrderInput
from subgraphs.orders.search import OrderSearch
from subgraphs.orders.types import Order, OrderConnection, OrdersInfo, order_connection
from subgraphs.orders.webhooks.resolvers import WebhookMutations, WebhookQueries


@strawberry.type
class Query(WebhookQueries):
    @strawberry.field(description="An order by id: for its customer or an admin; null otherwise.")
    async def order(self, info: OrdersInfo, id: strawberry.ID) -> Order | None:
        service.check_reader(info.context.caller)
        record = await info.context.loaders.orders.load(parse_id(id))
        return Order.from_record(record) if record and service.can_see(info.context.caller, record) else None

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
        where = filter or OrderFilter()
        search = OrderSearch(
            customer_id=str(where.customer_id) if where.customer_id is not None else None,
            status=where.status,
            created_after=where.created_after,
            created_before=where.created_before,
        )
        async with info.context.db.use() as session:
            page = await service.list_orders(
                session=session, caller=info.context.caller, search=search, first=first, after=after
            )
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
        request = service.CheckoutRequest(
            lines=[(parse_id(item.product_id, "productId"), item.quantity) for item in input.items],
            payment_method=input.payment.method,
            card_number=input.payment.card_number,
            idempotency_key=input.idempotency_key,
        )
        context = info.context
        async with context.db.use() as session:
            record = await service.place_order(
                session=session,
                caches=context.caches,
                products=context.products,
                payments=context.payments,
                caller=context.caller,
                request=request,
            )
        context.loaders.orders.prime(record.id, record)
        return Order.from_record(record)

    @strawberry.mutation(
        description="Cancel a paid order before it ships (its customer or an admin): refunded and restocked."
    )
    async def cancel_order(self, info: OrdersInfo, id: strawberry.ID, reason: str | None = None) -> Order:
        context = info.context
        async with context.db.use() as session:
            record = await service.cancel_order(
                session=session,
                caches=context.caches,
                products=context.products,
                payments=context.payments,
                caller=context.caller,
                order_id=parse_id(id),
                reason=reason,
            )
        context.loaders.orders.prime(record.id, record)
        return Order.from_record(record)

    @strawberry.mutation(description="Admins: move an order along fulfilment (SHIPPED, then DELIVERED).")
    async def update_order_status(
        self, info: OrdersInfo, id: strawberry.ID, status: OrderStatus, note: str | None = None
    ) -> Order:
        context = info.context
        async with context.db.use() as session:
            record = await service.update_order_status(
                session=session,
                caches=context.caches,
                caller=context.caller,
                order_id=parse_id(id),
                status=status,
                note=note,
            )
        context.loaders.orders.prime(record.id, record)
        return Order.from_record(record)
