"""GraphQL object types of the orders subgraph, built from records (never from ORM rows)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet
from strawberry.types import Info

from subgraphs.common.connections import Connection
from subgraphs.common.costs import assumed_size, connection_size
from subgraphs.common.ids import parse_id
from subgraphs.orders.enums import OrderStatus, PaymentFailure, PaymentMethod, PaymentStatus
from subgraphs.orders.models import OrderItemRecord, OrderRecord, PaymentRecord, StatusChangeRecord
from subgraphs.orders.services.access import can_see
from subgraphs.orders.services.queries import OrderPage, customer_page

if TYPE_CHECKING:
    from subgraphs.orders.context import OrdersContext

    OrdersInfo = Info[OrdersContext, None]
else:
    OrdersInfo = Info


# Owned by the products subgraph; no description here, so the owner's is the supergraph's.
@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class Product:
    id: strawberry.ID


@strawberry.type(description="One line of an order, as it was bought.")
class OrderItem:
    product: Product | None = strawberry.field(
        description="The product as it is now; null (with an error) when the catalogue cannot answer, "
        "while productName and unitPrice keep what was bought."
    )
    product_name: str = strawberry.field(description="The product's name when the order was placed.")
    quantity: int
    unit_price: Decimal = strawberry.field(description="The unit price when the order was placed.")
    line_total: Decimal = strawberry.field(description="unitPrice x quantity.")

    @classmethod
    def from_record(cls, record: OrderItemRecord) -> OrderItem:
        return cls(
            product=Product(id=strawberry.ID(str(record.product_id))),
            product_name=record.product_name,
            quantity=record.quantity,
            unit_price=record.unit_price,
            line_total=record.line_total,
        )


@strawberry.type(description="The order's payment (simulated; see docs/orders.md for the test cards).")
class Payment:
    status: PaymentStatus
    method: PaymentMethod
    card_last4: str | None
    transaction_id: str | None = strawberry.field(description="The simulated processor's charge id.")
    failure_reason: PaymentFailure | None = strawberry.field(description="Why the payment failed, if it did.")
    refund_id: str | None = strawberry.field(
        description="The simulated refund, when the order was cancelled."
    )

    @classmethod
    def from_record(cls, record: PaymentRecord) -> Payment:
        return cls(
            status=record.status,
            method=record.method,
            card_last4=record.card_last4,
            transaction_id=record.transaction_id,
            failure_reason=record.failure_reason,
            refund_id=record.refund_id,
        )


@strawberry.type(description="One step of an order's life: from which status to which, when, by whom, why.")
class OrderStatusChange:
    from_: OrderStatus | None = strawberry.field(name="from", description="Null for the first entry.")
    to: OrderStatus
    at: datetime
    by: str | None = strawberry.field(description="Who made the change: a user id, or `system`.")
    note: str

    @classmethod
    def from_record(cls, record: StatusChangeRecord) -> OrderStatusChange:
        return cls(
            from_=record.from_status,
            to=record.to_status,
            at=record.created_at,
            by=record.actor,
            note=record.note,
        )


@strawberry.federation.type(keys=["id"], description="A customer's order.")
class Order:
    id: strawberry.ID
    number: str = strawberry.field(description="The human-readable order number, such as GC-100001.")
    # Tuples, not lists: the objects of a kept record are shared by every request that reads it
    # (EntityCache.view), so nothing may change them after they are made.
    items: tuple[OrderItem, ...] = strawberry.field(directives=[assumed_size(10)])
    subtotal: Decimal
    total: Decimal = strawberry.field(description="What was charged: the subtotal (no shipping or tax yet).")
    currency: str = strawberry.field(description="ISO 4217 code of every amount of the order.")
    status: OrderStatus
    payment: Payment
    history: tuple[OrderStatusChange, ...] = strawberry.field(
        description="Every status change, oldest first.", directives=[assumed_size(5)]
    )
    created_at: datetime
    updated_at: datetime
    # A plain field, not a resolver: Strawberry's resolver call (extension chain, argument conversion)
    # was the one per-order cost of the orders page that execution could not skip.
    customer: User = strawberry.field(description="Who placed the order.")
    customer_id: strawberry.Private[str]

    @classmethod
    def from_record(cls, record: OrderRecord) -> Order:
        return cls(
            id=strawberry.ID(str(record.id)),
            number=record.number,
            items=tuple(OrderItem.from_record(item) for item in record.items),
            subtotal=record.subtotal,
            total=record.total,
            currency=record.currency,
            status=record.status,
            payment=Payment.from_record(record.payment),
            history=tuple(OrderStatusChange.from_record(change) for change in record.history),
            created_at=record.created_at,
            updated_at=record.updated_at,
            customer=User(id=strawberry.ID(record.customer_id)),
            customer_id=record.customer_id,
        )

    @classmethod
    async def resolve_reference(cls, info: OrdersInfo, id: strawberry.ID) -> Order | None:
        order_id = parse_id(id)
        record = await info.context.loaders.orders.load(order_id)
        if record is None or not can_see(info.context.caller, record):
            return None
        return info.context.caches.orders.view(record, cls.from_record)


@strawberry.type(description="A page of orders, newest first.")
class OrderConnection(Connection[Order]):
    pass


async def order_connection(info: OrdersInfo, page: OrderPage) -> OrderConnection:
    """The page's orders through the loader (Redis first), in page order."""
    records = await info.context.loaders.orders.load_many([order_id for order_id, _ in page.items])
    cache = info.context.caches.orders
    return OrderConnection.of(
        [
            (cache.view(record, Order.from_record), cursor)
            for (_, cursor), record in zip(page.items, records, strict=True)
            if record is not None
        ],
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
    )


# Owned by the users subgraph; no description here, so the owner's is the supergraph's.
@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        return cls(id=id)

    @strawberry.field(
        description=(
            "The user's orders, newest first: for the user and admins; null, with the error, for others."
        ),
        directives=[connection_size()],
    )
    async def orders(
        self,
        info: OrdersInfo,
        first: int | None = None,
        after: str | None = None,
        status: OrderStatus | None = None,
    ) -> OrderConnection | None:  # nullable: a refusal nulls this field only, not its parents
        asked = customer_page(
            caller=info.context.caller, customer_id=str(self.id), status=status, first=first, after=after
        )
        page = await info.context.loaders.customer_pages.load(asked)
        return await order_connection(info, page)
