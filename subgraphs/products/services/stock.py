"""Stock's use cases: admins' restocks and adjustments, the ledger, and holding stock for an order.

Counts move only in guarded UPDATEs (repositories/stock.py), so concurrent changes never oversell; the
ledger records each move with who made it.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.auth import Principal, Role, require_role
from subgraphs.common.errors import ConflictError, NotFoundError, OutOfStockError
from subgraphs.common.events import EventDraft
from subgraphs.common.pagination import page_size
from subgraphs.products import events
from subgraphs.products.deps import ProductsDeps
from subgraphs.products.models import (
    MovementKind,
    ProductRecord,
    ReservationLine,
    ReservationRecord,
    ReservationStatus,
    StockMovement,
    StockMovementRecord,
)
from subgraphs.products.repositories import catalogue, stock
from subgraphs.products.schemas import Restock, StockAdjustment, StockHold
from subgraphs.products.services import STAFF


def movement(
    product_id: uuid.UUID,
    kind: MovementKind,
    actor: Principal | None,
    *,
    on_hand: int = 0,
    reserved: int = 0,
    reason: str = "",
    order_id: uuid.UUID | None = None,
) -> StockMovement:
    """One ledger entry."""
    return StockMovement(
        product_id=product_id,
        kind=kind.value,
        on_hand_delta=on_hand,
        reserved_delta=reserved,
        reason=reason,
        order_id=order_id,
        actor=actor.subject if actor else None,
    )


async def stock_movements(
    deps: ProductsDeps, product_id: uuid.UUID, *, first: int | None
) -> list[StockMovementRecord]:
    require_role(deps.caller, *STAFF)
    return await stock.list_movements(
        session=deps.session, product_id=product_id, limit=page_size(first), before=None
    )


async def restock(deps: ProductsDeps, product_id: uuid.UUID, received: Restock) -> ProductRecord:
    actor = require_role(deps.caller, *STAFF)
    session = deps.session
    product = await stock.change_stock(
        session=session, product_id=product_id, on_hand_delta=received.quantity
    )
    if product is None:
        raise NotFoundError("There is no such product.", productId=str(product_id))
    await stock.record_movements(
        session=session,
        movements=[
            movement(product_id, MovementKind.RESTOCK, actor, on_hand=received.quantity, reason=received.note)
        ],
    )
    await events.write(
        session, events.stock_changed(product, kind=MovementKind.RESTOCK, on_hand_delta=received.quantity)
    )
    await session.commit()
    await deps.caches.forget_products([product_id])
    return product


async def adjust_stock(
    deps: ProductsDeps, product_id: uuid.UUID, adjustment: StockAdjustment
) -> ProductRecord:
    """Correct the on-hand count (damage, a stock take...); it never drops below what is reserved."""
    actor = require_role(deps.caller, *STAFF)
    session, delta = deps.session, adjustment.delta
    product = await stock.change_stock(session=session, product_id=product_id, on_hand_delta=delta)
    if product is None:
        current = (await catalogue.get_products(session=session, ids=[product_id])).get(product_id)
        if current is None or current.deleted_at is not None:
            raise NotFoundError("There is no such product.", productId=str(product_id))
        raise ConflictError(
            "The adjustment would leave less stock on hand than is reserved.",
            onHand=current.stock_on_hand,
            reserved=current.stock_reserved,
        )
    await stock.record_movements(
        session=session,
        movements=[
            movement(product_id, MovementKind.ADJUSTMENT, actor, on_hand=delta, reason=adjustment.reason)
        ],
    )
    await events.write(
        session, events.stock_changed(product, kind=MovementKind.ADJUSTMENT, on_hand_delta=delta)
    )
    await session.commit()
    await deps.caches.forget_products([product_id])
    return product


async def reserve_stock(deps: ProductsDeps, order_id: uuid.UUID, hold: StockHold) -> ReservationRecord:
    """Hold stock for an order, all lines or none, for `deps.reservation_hold` (then the expiry worker
    gives it back). Repeating it for the same order returns the first.

    Cheap under contention: the order's reservation is claimed first (a repeat of the same order waits
    for it there, not on the products), a plain read then refuses what is short at once (a sold-out
    product answers without queueing for its row), and the guarded UPDATE of each product row comes
    last, after the reservation's lines and ledger are written: a hot product's row is locked only for
    its UPDATE and the commit, never across other round trips.
    """
    actor = require_role(deps.caller, Role.SERVICE)
    session, wanted = deps.session, hold.lines
    if not await stock.claim_reservation(
        session=session, order_id=order_id, status=ReservationStatus.RESERVED, hold=deps.reservation_hold
    ):
        return await _repeated(session, order_id, wanted)
    levels = await stock.stock_levels(session=session, ids=[line.product_id for line in wanted])
    short = [line for line in wanted if not _enough(levels.get(line.product_id), line.quantity)]
    changes: list[EventDraft] = []
    if not short:
        await stock.add_reservation_lines(session=session, order_id=order_id, lines=wanted)
        await stock.record_movements(
            session=session,
            movements=[
                movement(
                    line.product_id,
                    MovementKind.RESERVATION,
                    actor,
                    reserved=line.quantity,
                    order_id=order_id,
                )
                for line in wanted
            ],
        )
        for line in wanted:  # in product-id order, so two orders' row locks never deadlock
            product = await stock.change_stock(
                session=session,
                product_id=line.product_id,
                reserved_delta=line.quantity,
                require_available=line.quantity,
            )
            if product is None or not product.active:
                short.append(line)  # taken meanwhile: no need to lock the other rows
                break
            changes += events.stock_changed(
                product, kind=MovementKind.RESERVATION, reserved_delta=line.quantity, order_id=order_id
            )
    if short:
        await session.rollback()
        shortages = [await shortage(session, line) for line in short]
        await session.rollback()
        unknown = [s for s in shortages if s["available"] is None]
        if unknown:
            raise NotFoundError("Some products do not exist or are not for sale.", items=unknown)
        raise OutOfStockError("Not enough stock for some items.", items=shortages)
    await events.write(session, changes)
    await session.commit()
    await deps.caches.forget_products([line.product_id for line in wanted])
    return ReservationRecord(order_id=order_id, status=ReservationStatus.RESERVED, lines=wanted)


async def _repeated(
    session: AsyncSession, order_id: uuid.UUID, wanted: list[ReservationLine]
) -> ReservationRecord:
    """A reservation asked for again: the first, when it asked for the same and still holds."""
    existing = await stock.get_reservation(session=session, order_id=order_id)
    await session.rollback()
    if existing is None:
        raise ConflictError(
            "The reservation for this order changed meanwhile; try again.", orderId=str(order_id)
        )
    if existing.status is ReservationStatus.RELEASED:
        raise ConflictError("The reservation for this order was released.", orderId=str(order_id))
    if existing.status is ReservationStatus.EXPIRED:
        raise ConflictError("The reservation for this order expired.", orderId=str(order_id))
    if existing.lines != wanted:
        raise ConflictError("This order already holds a different reservation.", orderId=str(order_id))
    return existing


def _enough(level: stock.StockLevel | None, quantity: int) -> bool:
    return level is not None and level.for_sale and level.available >= quantity


async def shortage(session: AsyncSession, line: ReservationLine) -> dict[str, Any]:
    """What a short line asked for and what is available (None: no such product for sale)."""
    product = (await catalogue.get_products(session=session, ids=[line.product_id])).get(line.product_id)
    live = product is not None and product.deleted_at is None and product.active
    return {
        "productId": str(line.product_id),
        "requested": line.quantity,
        "available": product.stock_available if live and product else None,
    }
