"""SQL for the orders subgraph. Functions take a session and keyword-only arguments and return
records; they never commit (the service owns the transaction).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ARRAY,
    DateTime,
    Integer,
    Text,
    Uuid,
    bindparam,
    delete,
    func,
    inspect,
    literal_column,
    or_,
    true,
    tuple_,
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
    OrderRecord,
    OrderStatus,
    PaymentFailure,
    PaymentMethod,
    PaymentRecord,
    PaymentStatus,
    StatusChangeRecord,
    StockAction,
    StockTask,
    StockTaskRecord,
    utc_now,
)
from subgraphs.orders.search import CustomerPage, OrderKey, OrderSearch

# ---------------------------------------------------------------- reading


def _assemble(row: Order, items: Sequence[OrderItem], history: Sequence[OrderHistory]) -> OrderRecord:
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
    rows = list(await session.exec(select(Order).where(col(Order.id).in_(wanted))))
    if not rows:
        return {}
    found = [row.id for row in rows]
    items: dict[uuid.UUID, list[OrderItem]] = defaultdict(list)
    for item in await session.exec(
        select(OrderItem)
        .where(col(OrderItem.order_id).in_(found))
        .order_by(col(OrderItem.order_id), col(OrderItem.position))
    ):
        items[item.order_id].append(item)
    history: dict[uuid.UUID, list[OrderHistory]] = defaultdict(list)
    for change in await session.exec(
        select(OrderHistory)
        .where(col(OrderHistory.order_id).in_(found))
        .order_by(col(OrderHistory.order_id), col(OrderHistory.created_at), col(OrderHistory.id))
    ):
        history[change.order_id].append(change)
    return {row.id: _assemble(row, items[row.id], history[row.id]) for row in rows}


async def get_order(*, session: AsyncSession, order_id: uuid.UUID) -> OrderRecord | None:
    return (await get_orders(session=session, ids=[order_id])).get(order_id)


# Every checkout asks this first and nearly always finds nothing: one statement built once (its cache key
# is computed once), on the table rather than the model (no ORM result machinery).
_ORDERS = inspect(Order).local_table
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


async def search_order_ids(
    *, session: AsyncSession, search: OrderSearch, limit: int, after: OrderKey | None
) -> list[OrderKey]:
    """One page of order keys, newest first (keyset order on creation time, then id)."""
    statement = select(col(Order.created_at), col(Order.id))
    if search.customer_id is not None:
        statement = statement.where(col(Order.customer_id) == search.customer_id)
    if search.status is not None:
        statement = statement.where(col(Order.status) == search.status.value)
    if search.created_after is not None:
        statement = statement.where(col(Order.created_at) >= search.created_after)
    if search.created_before is not None:
        statement = statement.where(col(Order.created_at) < search.created_before)
    if after is not None:
        statement = statement.where(tuple_(col(Order.created_at), col(Order.id)) < tuple_(*after))
    statement = statement.order_by(col(Order.created_at).desc(), col(Order.id).desc()).limit(limit)
    return [(created_at, order_id) for created_at, order_id in await session.exec(statement)]


# The pages asked for, one row each (`unnest` of parallel arrays, numbered by `slot`), and for each a
# LATERAL subquery that reads that customer's page from `ix_orders_customer_created`, as
# `search_order_ids` reads one. A page without a cursor starts before (+infinity, NULL): a row comparison
# stops at its first unequal pair, so the NULL id is never compared, and one index condition serves both.
_PAGES = (
    func.unnest(
        bindparam("customer_ids", type_=ARRAY(Text)),
        bindparam("statuses", type_=ARRAY(Text)),
        bindparam("limits", type_=ARRAY(Integer)),
        bindparam("after_times", type_=ARRAY(DateTime(timezone=True))),
        bindparam("after_ids", type_=ARRAY(Uuid)),
    )
    .table_valued("customer_id", "status", "row_limit", "after_time", "after_id", with_ordinality="slot")
    .render_derived("wanted")
)
_INFINITY = literal_column("'infinity'::timestamptz", DateTime(timezone=True))
_CUSTOMER_PAGE = (
    select(col(Order.created_at), col(Order.id))
    .where(
        col(Order.customer_id) == _PAGES.c.customer_id,
        or_(_PAGES.c.status.is_(None), col(Order.status) == _PAGES.c.status),
        tuple_(col(Order.created_at), col(Order.id))
        < tuple_(func.coalesce(_PAGES.c.after_time, _INFINITY), _PAGES.c.after_id),
    )
    .order_by(col(Order.created_at).desc(), col(Order.id).desc())
    .limit(_PAGES.c.row_limit)
    .lateral("page")
)
_CUSTOMER_PAGES = (
    select(_PAGES.c.slot, _CUSTOMER_PAGE.c.created_at, _CUSTOMER_PAGE.c.id)
    .select_from(_PAGES.join(_CUSTOMER_PAGE, true()))
    .order_by(_PAGES.c.slot, _CUSTOMER_PAGE.c.created_at.desc(), _CUSTOMER_PAGE.c.id.desc())
)


async def customer_order_keys(
    *, session: AsyncSession, pages: Sequence[CustomerPage]
) -> list[list[OrderKey]]:
    """For each page asked, up to `size + 1` of its customer's order keys after its cursor, newest first
    (the extra one tells whether a next page exists): one query however many pages, in the order asked."""
    if not pages:
        return []
    params = {
        "customer_ids": [page.customer_id for page in pages],
        "statuses": [page.status.value if page.status is not None else None for page in pages],
        "limits": [page.size + 1 for page in pages],
        "after_times": [page.after[0] if page.after is not None else None for page in pages],
        "after_ids": [page.after[1] if page.after is not None else None for page in pages],
    }
    keys: list[list[OrderKey]] = [[] for _ in pages]
    for slot, created_at, order_id in await session.exec(_CUSTOMER_PAGES, params=params):
        keys[slot - 1].append((created_at, order_id))
    return keys


# ---------------------------------------------------------------- writing


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


# ---------------------------------------------------------------- stock tasks


def _task_record(row: StockTask) -> StockTaskRecord:
    return StockTaskRecord(
        order_id=row.order_id,
        action=StockAction(row.action),
        attempts=row.attempts,
        last_error=row.last_error,
        failed=row.failed,
        next_attempt_at=row.next_attempt_at,
    )


async def put_stock_task(*, session: AsyncSession, order_id: uuid.UUID, action: StockAction) -> None:
    """Owe products `action` for the order; it replaces whatever was owed before (a cancel turns a
    pending commit into a return)."""
    now = utc_now()
    statement = insert(StockTask).values(
        order_id=order_id, action=action.value, attempts=0, failed=False, next_attempt_at=now, created_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=["order_id"],
        set_={
            "action": statement.excluded.action,
            "attempts": 0,
            "last_error": None,
            "failed": False,
            "next_attempt_at": now,
        },
    )
    await session.exec(statement)


async def get_stock_task(*, session: AsyncSession, order_id: uuid.UUID) -> StockTaskRecord | None:
    row = await session.get(StockTask, order_id, populate_existing=True)
    return _task_record(row) if row is not None else None


async def claim_due_stock_tasks(
    *, session: AsyncSession, now: datetime, limit: int, lease: timedelta
) -> list[StockTaskRecord]:
    """Take the due tasks no other worker holds (`FOR UPDATE SKIP LOCKED`) and push their next attempt
    `lease` ahead, so once committed another replica leaves them alone while this one runs them; a
    worker that dies mid-way leaves them due again when the lease ends."""
    due = (
        select(col(StockTask.order_id))
        .where(col(StockTask.failed).is_(False), col(StockTask.next_attempt_at) <= now)
        .order_by(col(StockTask.next_attempt_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    statement = (
        update(StockTask)
        .where(col(StockTask.order_id).in_(due.scalar_subquery()))
        .values(next_attempt_at=now + lease)
        .returning(StockTask)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    return [_task_record(row) for row in (await session.exec(statement)).scalars()]


async def finish_stock_task(*, session: AsyncSession, order_id: uuid.UUID, action: StockAction) -> None:
    """The task is done; one replaced meanwhile by another action is left alone."""
    await session.exec(
        delete(StockTask).where(col(StockTask.order_id) == order_id, col(StockTask.action) == action.value)
    )


async def postpone_stock_task(
    *,
    session: AsyncSession,
    order_id: uuid.UUID,
    action: StockAction,
    error: str,
    delay: timedelta,
    give_up: bool,
) -> None:
    """Record a failed attempt; retried after `delay`, or never again when `give_up` (a definite no)."""
    await session.exec(
        update(StockTask)
        .where(col(StockTask.order_id) == order_id, col(StockTask.action) == action.value)
        .values(
            attempts=col(StockTask.attempts) + 1,
            last_error=error[:1000],
            failed=give_up,
            next_attempt_at=func.now() + delay,
        )
        .execution_options(synchronize_session=False)
    )


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
