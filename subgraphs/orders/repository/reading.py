"""Reading orders by id (three queries however many ids), by idempotency key, and locked for a change."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import bindparam, inspect
from sqlalchemy import select as core_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.db import ColumnRow, column_rows
from subgraphs.orders.models import (
    Order,
    OrderHistory,
    OrderItem,
    OrderItemRecord,
    OrderRecord,
    OrderStatus,
    PaymentFailure,
    PaymentMethod,
    PaymentRecord,
    PaymentStatus,
    StatusChangeRecord,
)

# Orders are read from their tables, not the models: no ORM objects built only to be copied into records.
_ORDERS = inspect(Order).local_table
_ITEMS = inspect(OrderItem).local_table
_HISTORY = inspect(OrderHistory).local_table


def _assemble(row: ColumnRow, items: Sequence[ColumnRow], history: Sequence[ColumnRow]) -> OrderRecord:
    """A record from rows of the three tables (columns read by name, no ORM objects)."""
    return OrderRecord(
        id=row.id,
        number=str(row.number),
        customer_id=row.customer_id,
        request_hash=row.request_hash,
        status=OrderStatus(row.status),
        currency=row.currency,
        subtotal=row.subtotal,
        total=row.total,
        items=[
            OrderItemRecord(
                product_id=item.product_id,
                product_name=item.product_name,
                quantity=item.quantity,
                unit_price=item.unit_price,
                line_total=item.line_total,
            )
            for item in items
        ],
        payment=PaymentRecord(
            method=PaymentMethod(row.payment_method),
            status=PaymentStatus(row.payment_status),
            card_last4=row.card_last4,
            transaction_id=row.transaction_id,
            failure_reason=PaymentFailure(row.failure_reason) if row.failure_reason else None,
            refund_id=row.refund_id,
        ),
        history=[
            StatusChangeRecord(
                from_status=OrderStatus(change.from_status) if change.from_status else None,
                to_status=OrderStatus(change.to_status),
                actor=change.actor,
                note=change.note,
                created_at=change.created_at,
            )
            for change in history
        ],
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


async def get_orders(*, session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, OrderRecord]:
    """Orders by id with their items and history: three queries, however many ids."""
    if not ids:
        return {}
    wanted = list(dict.fromkeys(ids))
    rows = await column_rows(session, core_select(_ORDERS).where(_ORDERS.c.id.in_(wanted)))
    if not rows:
        return {}
    found = [row.id for row in rows]
    items: dict[uuid.UUID, list[ColumnRow]] = defaultdict(list)
    for item in await column_rows(
        session,
        core_select(_ITEMS)
        .where(_ITEMS.c.order_id.in_(found))
        .order_by(_ITEMS.c.order_id, _ITEMS.c.position),
    ):
        items[item.order_id].append(item)
    history: dict[uuid.UUID, list[ColumnRow]] = defaultdict(list)
    for change in await column_rows(
        session,
        core_select(_HISTORY)
        .where(_HISTORY.c.order_id.in_(found))
        .order_by(_HISTORY.c.order_id, _HISTORY.c.created_at, _HISTORY.c.id),
    ):
        history[change.order_id].append(change)
    return {row.id: _assemble(row, items[row.id], history[row.id]) for row in rows}


async def get_order(*, session: AsyncSession, order_id: uuid.UUID) -> OrderRecord | None:
    return (await get_orders(session=session, ids=[order_id])).get(order_id)


# Every checkout asks this first and nearly always finds nothing: one statement built once (its cache key
# is computed once), on the table rather than the model (no ORM result machinery).
_ORDER_BY_KEY = select(_ORDERS.c.id).where(
    _ORDERS.c.customer_id == bindparam("customer_id"), _ORDERS.c.idempotency_key == bindparam("key")
)


async def find_by_idempotency_key(*, session: AsyncSession, customer_id: str, key: str) -> OrderRecord | None:
    """The customer's order placed with this idempotency key, if any."""
    result = await session.exec(_ORDER_BY_KEY, params={"customer_id": customer_id, "key": key})
    order_id = result.first()
    return await get_order(session=session, order_id=order_id) if order_id is not None else None


async def lock_order(*, session: AsyncSession, order_id: uuid.UUID) -> OrderRecord | None:
    """The order, with its row locked until the transaction ends (transitions serialise on it)."""
    statement = select(col(Order.id)).where(col(Order.id) == order_id).with_for_update()
    if (await session.exec(statement)).first() is None:
        return None
    return await get_order(session=session, order_id=order_id)
