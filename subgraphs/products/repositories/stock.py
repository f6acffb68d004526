"""SQL for stock: the guarded count changes, the ledger and the reservations. Functions take a session
and keyword-only arguments and return records; they never commit (the service owns the transaction).
"""

from __future__ import annotations

import functools
import typing
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, Table, Update, bindparam, inspect, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.products.models import (
    Product,
    ProductRecord,
    ReservationLine,
    ReservationRecord,
    ReservationStatus,
    StockMovement,
    StockMovementRecord,
    StockReservation,
    StockReservationLine,
    utc_now,
)

_PRODUCTS = typing.cast(Table, inspect(Product).local_table)


@functools.cache
def _change_stock_statement(*, include_deleted: bool, guard_available: bool) -> Update:
    """The guarded UPDATE of one product's counts, built once per shape: it runs for every reservation
    and settlement, and a statement built anew each time recomputed its cache key each time."""
    table = _PRODUCTS
    on_hand = bindparam("on_hand_delta", type_=Integer)
    reserved = bindparam("reserved_delta", type_=Integer)
    conditions = [
        table.c.id == bindparam("product_id"),
        *([] if include_deleted else [table.c.deleted_at.is_(None)]),
        table.c.stock_on_hand + on_hand >= table.c.stock_reserved + reserved,
        table.c.stock_reserved + reserved >= 0,
    ]
    if guard_available:
        conditions.append(
            table.c.stock_on_hand - table.c.stock_reserved >= bindparam("require_available", type_=Integer)
        )
    return (
        update(table)
        .where(*conditions)
        .values(
            stock_on_hand=table.c.stock_on_hand + on_hand,
            stock_reserved=table.c.stock_reserved + reserved,
            updated_at=bindparam("now"),
        )
        .returning(*table.c)
    )


async def change_stock(
    *,
    session: AsyncSession,
    product_id: uuid.UUID,
    on_hand_delta: int = 0,
    reserved_delta: int = 0,
    require_available: int | None = None,
    include_deleted: bool = False,
) -> ProductRecord | None:
    """Move a product's counts in one guarded UPDATE; None when the guard (or the product) fails.

    The guard is evaluated on the row as locked, so concurrent changes cannot oversell: on-hand never
    drops below reserved, and `require_available` demands that much available stock first. Only live
    products move, unless `include_deleted` (settling a reservation made before the product left).
    """
    statement = _change_stock_statement(
        include_deleted=include_deleted, guard_available=require_available is not None
    )
    parameters: dict[str, Any] = {
        "product_id": product_id,
        "on_hand_delta": on_hand_delta,
        "reserved_delta": reserved_delta,
        "now": utc_now(),
    }
    if require_available is not None:
        parameters["require_available"] = require_available
    row = (await session.exec(statement, params=parameters)).mappings().first()
    return ProductRecord.model_validate(dict(row)) if row is not None else None


@dataclass(frozen=True)
class StockLevel:
    """What a product has to sell right now, as last committed."""

    available: int
    for_sale: bool  # live (not deleted) and active


async def stock_levels(*, session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, StockLevel]:
    """Products' available stock by id, in one plain read that takes no lock (unknown ids are left out).

    Reading columns, not rows, keeps the products out of the session, so a guarded UPDATE later in the
    same transaction returns its own fresh values."""
    if not ids:
        return {}
    statement = select(
        col(Product.id),
        col(Product.stock_on_hand) - col(Product.stock_reserved),
        col(Product.active) & col(Product.deleted_at).is_(None),
    ).where(col(Product.id).in_(list(ids)))
    rows = await session.exec(statement)
    return {row[0]: StockLevel(available=int(row[1]), for_sale=bool(row[2])) for row in rows}


async def record_movements(*, session: AsyncSession, movements: Sequence[StockMovement]) -> None:
    session.add_all(movements)
    await session.flush()


async def list_movements(
    *, session: AsyncSession, product_id: uuid.UUID, limit: int, before: tuple[datetime, uuid.UUID] | None
) -> list[StockMovementRecord]:
    """The ledger of one product, newest first, in keyset pages."""
    statement = select(StockMovement).where(col(StockMovement.product_id) == product_id)
    if before is not None:
        statement = statement.where(
            tuple_(col(StockMovement.created_at), col(StockMovement.id)) < tuple_(*before)
        )
    statement = statement.order_by(col(StockMovement.created_at).desc(), col(StockMovement.id).desc()).limit(
        limit
    )
    rows = await session.exec(statement)
    return [StockMovementRecord.model_validate(row, from_attributes=True) for row in rows]


# ---------------------------------------------------------------- reservations


async def claim_reservation(
    *, session: AsyncSession, order_id: uuid.UUID, status: ReservationStatus, hold: timedelta
) -> bool:
    """Create the order's reservation header; False when it already exists (then it is only locked).

    A concurrent claim of the same order waits here for the first to finish, so one order id is
    only ever reserved once. A new header expires `hold` after it was made.
    """
    now = utc_now()
    statement = (
        insert(StockReservation)
        .values(order_id=order_id, status=status.value, created_at=now, updated_at=now, expires_at=now + hold)
        .on_conflict_do_nothing(index_elements=["order_id"])
        .returning(col(StockReservation.order_id))
    )
    created = (await session.exec(statement)).first() is not None
    if not created:
        await session.exec(
            select(StockReservation).where(col(StockReservation.order_id) == order_id).with_for_update()
        )
    return created


async def claim_expired_reservation(*, session: AsyncSession, now: datetime) -> uuid.UUID | None:
    """Lock the reservation that expired first and is still RESERVED, skipping any another transaction
    holds (a replica's expiry worker, or the order settling it right now); None when there is none.

    A row settled meanwhile no longer matches once its lock is free, so it is never returned."""
    statement = (
        select(col(StockReservation.order_id))
        .where(
            col(StockReservation.status) == ReservationStatus.RESERVED.value,
            col(StockReservation.expires_at) <= now,
        )
        .order_by(col(StockReservation.expires_at))
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    order_id: uuid.UUID | None = (await session.exec(statement)).first()
    return order_id


async def get_reservation(
    *, session: AsyncSession, order_id: uuid.UUID, lock: bool = False
) -> ReservationRecord | None:
    statement = select(StockReservation).where(col(StockReservation.order_id) == order_id)
    header = (await session.exec(statement.with_for_update() if lock else statement)).first()
    if header is None:
        return None
    lines = await session.exec(
        select(StockReservationLine)
        .where(col(StockReservationLine.order_id) == order_id)
        .order_by(col(StockReservationLine.product_id))
    )
    return ReservationRecord(
        order_id=order_id,
        status=ReservationStatus(header.status),
        lines=[ReservationLine(product_id=line.product_id, quantity=line.quantity) for line in lines],
    )


async def add_reservation_lines(
    *, session: AsyncSession, order_id: uuid.UUID, lines: Sequence[ReservationLine]
) -> None:
    session.add_all(
        [
            StockReservationLine(order_id=order_id, product_id=line.product_id, quantity=line.quantity)
            for line in lines
        ]
    )
    await session.flush()


async def set_reservation_status(
    *, session: AsyncSession, order_id: uuid.UUID, status: ReservationStatus
) -> None:
    await session.exec(
        update(StockReservation)
        .where(col(StockReservation.order_id) == order_id)
        .values(status=status.value, updated_at=utc_now())
    )
