"""Writing orders: the PENDING insert of a checkout, its deletion, status transitions (with their
history entry) and refunds."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    delete,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.orders.models import (
    Order,
    OrderHistory,
    OrderItem,
    OrderItemRecord,
    OrderStatus,
    PaymentStatus,
    utc_now,
)


async def insert_order(
    *,
    session: AsyncSession,
    order_id: uuid.UUID,
    values: Mapping[str, Any],
    items: Sequence[OrderItemRecord],
    actor: str,
) -> bool:
    """Insert a PENDING order with its items and first history entry; False when the customer's
    idempotency key is taken (a concurrent twin waits here for the first to commit)."""
    now = utc_now()
    statement = (
        insert(Order)
        .values(
            id=order_id,
            status=OrderStatus.PENDING.value,
            payment_status=PaymentStatus.PENDING.value,
            created_at=now,
            updated_at=now,
            **values,
        )
        .on_conflict_do_nothing(constraint="orders_idempotency_key")
        .returning(col(Order.id))
    )
    if (await session.exec(statement)).first() is None:
        return False
    session.add_all(
        [
            OrderItem(
                order_id=order_id,
                position=position,
                product_id=item.product_id,
                product_name=item.product_name,
                quantity=item.quantity,
                unit_price=item.unit_price,
                line_total=item.line_total,
            )
            for position, item in enumerate(items)
        ]
    )
    session.add(
        OrderHistory(
            order_id=order_id,
            from_status=None,
            to_status=OrderStatus.PENDING.value,
            actor=actor,
            note="order placed",
            created_at=now,
        )
    )
    await session.flush()
    return True


async def delete_order(*, session: AsyncSession, order_id: uuid.UUID) -> None:
    """Remove a checkout that did not go through (its items and history go with it)."""
    await session.exec(delete(Order).where(col(Order.id) == order_id))


async def transition(
    *,
    session: AsyncSession,
    order_id: uuid.UUID,
    from_status: OrderStatus,
    to_status: OrderStatus,
    actor: str | None,
    note: str,
    changes: Mapping[str, Any] | None = None,
) -> bool:
    """Move an order from `from_status` to `to_status` (and apply `changes`) and record it in the
    history; False when the order is no longer in `from_status` (someone else moved it first)."""
    now = utc_now()
    statement = (
        update(Order)
        .where(col(Order.id) == order_id, col(Order.status) == from_status.value)
        .values(status=to_status.value, updated_at=now, **(changes or {}))
        .returning(col(Order.id))
    )
    result = await session.exec(statement.execution_options(synchronize_session=False))
    if result.first() is None:
        return False
    session.add(
        OrderHistory(
            order_id=order_id,
            from_status=from_status.value,
            to_status=to_status.value,
            actor=actor,
            note=note,
            created_at=now,
        )
    )
    await session.flush()
    return True


async def stale_pending_orders(
    *, session: AsyncSession, older_than: datetime, limit: int
) -> dict[uuid.UUID, str]:
    """Checkouts PENDING since before `older_than`: their customer by order id, oldest first."""
    statement = (
        select(col(Order.id), col(Order.customer_id))
        .where(col(Order.status) == OrderStatus.PENDING.value, col(Order.created_at) < older_than)
        .order_by(col(Order.created_at))
        .limit(limit)
    )
    return {order_id: customer_id for order_id, customer_id in (await session.exec(statement)).all()}  # noqa: C416


async def record_refund(
    *, session: AsyncSession, order_id: uuid.UUID, transaction_id: str, refund_id: str
) -> None:
    """A charge that went through for an order cancelled meanwhile, and its refund."""
    await session.exec(
        update(Order)
        .where(col(Order.id) == order_id)
        .values(
            payment_status=PaymentStatus.REFUNDED.value,
            transaction_id=transaction_id,
            refund_id=refund_id,
            updated_at=utc_now(),
        )
        .execution_options(synchronize_session=False)
    )
