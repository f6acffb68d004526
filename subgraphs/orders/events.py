"""The orders subgraph's domain events (schema/events/order.*.json), written to its outbox in the
transaction of the order change they report. The aggregate is the order."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.events import DomainEvent, append_event
from subgraphs.orders.models import EVENTS, OrderItemRecord, StockAction

SOURCE = "orders"
AGGREGATE = "order"
SCHEMA_VERSION = 1


class OrderEvent(StrEnum):
    PLACED = "order.placed"
    PAID = "order.paid"
    PAYMENT_FAILED = "order.payment_failed"
    CANCELLED = "order.cancelled"
    SHIPPED = "order.shipped"
    DELIVERED = "order.delivered"


async def emit(
    session: AsyncSession, event: OrderEvent, *, order_id: uuid.UUID, customer_id: str, **data: Any
) -> DomainEvent:
    return await append_event(
        session,
        EVENTS,
        source=SOURCE,
        type=event.value,
        schema_version=SCHEMA_VERSION,
        aggregate_type=AGGREGATE,
        aggregate_id=order_id,
        data={"order_id": order_id, "customer_id": customer_id, **data},
    )


async def order_placed(
    session: AsyncSession,
    *,
    order_id: uuid.UUID,
    customer_id: str,
    currency: str,
    total: Decimal,
    items: Sequence[OrderItemRecord],
) -> None:
    await emit(
        session,
        OrderEvent.PLACED,
        order_id=order_id,
        customer_id=customer_id,
        currency=currency,
        total=total,
        items=[
            {"product_id": item.product_id, "quantity": item.quantity, "unit_price": item.unit_price}
            for item in items
        ],
    )


async def order_cancelled(
    session: AsyncSession,
    *,
    order_id: uuid.UUID,
    customer_id: str,
    reason: str,
    refunded: bool,
    stock_action: StockAction,
) -> None:
    """`stock_action` says what products owes the order: `release` (held, never sold) or `return`."""
    await emit(
        session,
        OrderEvent.CANCELLED,
        order_id=order_id,
        customer_id=customer_id,
        reason=reason,
        refunded=refunded,
        stock_action=stock_action.value,
    )
