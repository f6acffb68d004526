"""Settling what an order holds: `settle(deps, order_id, SETTLEMENT)` sells it (COMMIT), gives it back
(RELEASE, RETURN), or lets it lapse (EXPIRE, the expiry worker's). One skeleton; what differs between
them is data: how each unit moves the counts, the status reached, and what each status found answers.

The skeleton locks the reservation, looks its status up in the settlement's table, and then either
refuses, answers without a change, hands over to another settlement, or moves the counts: the ledger
and status first, the product rows last (in product-id order), so a hot product's row is locked only
for its UPDATE and the commit.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.auth import Principal, Role, require_role
from subgraphs.common.errors import ConflictError, DomainError, NotFoundError, OutOfStockError
from subgraphs.common.events import EventDraft
from subgraphs.products import events
from subgraphs.products.deps import ProductsDeps
from subgraphs.products.models import MovementKind, ReservationRecord, ReservationStatus, utc_now
from subgraphs.products.repositories import stock
from subgraphs.products.services.stock import movement, shortage

EXPIRY_ACTOR = Principal(subject="reservation-expiry", role=Role.SERVICE)


class Answer(enum.Enum):
    """What a settlement does with a reservation in a given status."""

    SETTLE = "settle"  # move the counts and reach the settlement's status
    DONE = "done"  # settled already: nothing moves, answered as settled (a repeat is harmless)
    AS_IT_IS = "as it is"  # nothing to give back: answered with the status it has
    SELL_AGAIN = "sell again"  # the hold lapsed: sell from what is available now, or refuse
    RELEASE = "release"  # nothing was sold: give back the hold, as RELEASE does


@dataclass(frozen=True)
class Refusal:
    error: type[DomainError]
    message: str


@dataclass(frozen=True)
class Settlement:
    kind: MovementKind  # the ledger's kind for each line
    reaches: ReservationStatus
    on_hand_per_unit: int
    reserved_per_unit: int
    answers: Mapping[ReservationStatus, Answer | Refusal]
    when_unknown: Refusal | Literal[Answer.RELEASE]
    records_unknown: bool = False  # an unknown order's settlement is recorded (claimed) first


CHANGED = Refusal(ConflictError, "The reservation for this order changed meanwhile; try again.")
ALREADY_SOLD = Refusal(ConflictError, "The order's stock was already sold; use returnStock to give it back.")

# Releasing an unknown order records the release, so a reservation still in flight for it (a timed-out
# call) cannot take stock afterwards; releasing an expired one changes nothing (its stock went back).
RELEASE = Settlement(
    kind=MovementKind.RELEASE,
    reaches=ReservationStatus.RELEASED,
    on_hand_per_unit=0,
    reserved_per_unit=-1,
    answers={
        ReservationStatus.RESERVED: Answer.SETTLE,
        ReservationStatus.RELEASED: Answer.DONE,
        ReservationStatus.EXPIRED: Answer.AS_IT_IS,
        ReservationStatus.COMMITTED: ALREADY_SOLD,
        ReservationStatus.RETURNED: ALREADY_SOLD,
    },
    when_unknown=CHANGED,
    records_unknown=True,
)
# Everything a cancelled order took: sold stock goes back on hand, held stock is released.
RETURN = Settlement(
    kind=MovementKind.RETURN,
    reaches=ReservationStatus.RETURNED,
    on_hand_per_unit=1,
    reserved_per_unit=0,
    answers={
        ReservationStatus.COMMITTED: Answer.SETTLE,
        ReservationStatus.RETURNED: Answer.AS_IT_IS,
        ReservationStatus.RESERVED: Answer.RELEASE,
        ReservationStatus.RELEASED: Answer.RELEASE,
        ReservationStatus.EXPIRED: Answer.RELEASE,
    },
    when_unknown=Answer.RELEASE,
)
# A sale: on-hand and reserved both drop. A hold past its expiry that the expiry worker has not
# released yet still commits; an expired one is sold again from what is available now.
COMMIT = Settlement(
    kind=MovementKind.SALE,
    reaches=ReservationStatus.COMMITTED,
    on_hand_per_unit=-1,
    reserved_per_unit=-1,
    answers={
        ReservationStatus.RESERVED: Answer.SETTLE,
        ReservationStatus.EXPIRED: Answer.SELL_AGAIN,
        ReservationStatus.COMMITTED: Answer.DONE,
        ReservationStatus.RETURNED: Answer.DONE,
        ReservationStatus.RELEASED: Refusal(ConflictError, "The reservation for this order was released."),
    },
    when_unknown=Refusal(NotFoundError, "There is no reservation for this order."),
)
# A hold that lapsed goes back as a release does (ledger kind RELEASE), its status EXPIRED.
EXPIRE = Settlement(
    kind=MovementKind.RELEASE,
    reaches=ReservationStatus.EXPIRED,
    on_hand_per_unit=0,
    reserved_per_unit=-1,
    answers={ReservationStatus.RESERVED: Answer.SETTLE},
    when_unknown=CHANGED,
)


async def settle(deps: ProductsDeps, order_id: uuid.UUID, settlement: Settlement) -> ReservationRecord:
    """Settle the order's reservation as `settlement` says; idempotent (a repeat finds it done)."""
    actor = require_role(deps.caller, Role.SERVICE)
    session = deps.session
    if settlement.records_unknown:
        await stock.claim_reservation(
            session=session, order_id=order_id, status=settlement.reaches, hold=timedelta(0)
        )
    reservation = await stock.get_reservation(session=session, order_id=order_id, lock=True)
    answer = settlement.when_unknown if reservation is None else settlement.answers[reservation.status]
    if isinstance(answer, Refusal):
        await session.rollback()
        raise answer.error(answer.message, orderId=str(order_id))
    if answer is Answer.RELEASE:
        await session.rollback()
        return await settle(deps, order_id, RELEASE)
    if reservation is None:  # every table answers an unknown order with a refusal or a release
        raise CHANGED.error(CHANGED.message, orderId=str(order_id))
    if answer is Answer.AS_IT_IS:
        await session.rollback()
        return reservation
    if answer is Answer.SETTLE:
        await _move(session, reservation, actor, settlement)
    elif answer is Answer.SELL_AGAIN:
        await _sell_again(session, reservation, actor)
    await session.commit()
    await deps.caches.forget_products([line.product_id for line in reservation.lines])
    return reservation.model_copy(update={"status": settlement.reaches})


async def release_one_expired(deps: ProductsDeps, *, now: datetime | None = None) -> uuid.UUID | None:
    """Give back the stock of one reservation still RESERVED past its expiry (EXPIRE), in one
    transaction; the order id, or None when none is due. One reservation per transaction: its product
    rows are locked in product-id order, as every other stock change locks them, so the worker never
    deadlocks with a checkout."""
    order_id = await stock.claim_expired_reservation(session=deps.session, now=now or utc_now())
    if order_id is None:
        await deps.session.rollback()
        return None
    await settle(deps, order_id, EXPIRE)
    return order_id


async def _move(
    session: AsyncSession, reservation: ReservationRecord, actor: Principal, settlement: Settlement
) -> None:
    """Move a locked reservation's counts as `settlement` says, and its status to what it reaches."""
    order_id = reservation.order_id
    deltas = [
        (
            line.product_id,
            settlement.on_hand_per_unit * line.quantity,
            settlement.reserved_per_unit * line.quantity,
        )
        for line in reservation.lines
    ]
    await stock.record_movements(
        session=session,
        movements=[
            movement(
                product_id, settlement.kind, actor, on_hand=on_hand, reserved=reserved, order_id=order_id
            )
            for product_id, on_hand, reserved in deltas
        ],
    )
    await stock.set_reservation_status(session=session, order_id=order_id, status=settlement.reaches)
    changes: list[EventDraft] = []
    for product_id, on_hand, reserved in deltas:  # in product-id order
        # Settling must move the counts (also for a product deleted since it was reserved); were the
        # guard to refuse, the ledger would disagree with the counts, so nothing is kept.
        moved = await stock.change_stock(
            session=session,
            product_id=product_id,
            on_hand_delta=on_hand,
            reserved_delta=reserved,
            include_deleted=True,
        )
        if moved is None:
            raise ConflictError(
                "The stock counts do not allow settling this order.", productId=str(product_id)
            )
        changes += events.stock_changed(
            moved, kind=settlement.kind, on_hand_delta=on_hand, reserved_delta=reserved, order_id=order_id
        )
    await events.write(session, changes)


async def _sell_again(session: AsyncSession, reservation: ReservationRecord, actor: Principal) -> None:
    """Sell an expired reservation's lines from what is available now, all or none (the hold is gone:
    its stock may have gone to someone else). OUT_OF_STOCK, nothing changed, when a line is short, so
    the order is refused the sale as a checkout is refused a reservation; never an oversell. The ledger
    and status first, the product rows last, as `_move` does."""
    order_id = reservation.order_id
    await stock.record_movements(
        session=session,
        movements=[
            movement(
                line.product_id,
                MovementKind.SALE,
                actor,
                on_hand=-line.quantity,
                reason="sold after its reservation expired",
                order_id=order_id,
            )
            for line in reservation.lines
        ],
    )
    await stock.set_reservation_status(session=session, order_id=order_id, status=ReservationStatus.COMMITTED)
    changes: list[EventDraft] = []
    for line in reservation.lines:  # in product-id order, so row locks never deadlock
        product = await stock.change_stock(
            session=session,
            product_id=line.product_id,
            on_hand_delta=-line.quantity,
            require_available=line.quantity,
        )
        if product is None or not product.active:
            await session.rollback()
            short = await shortage(session, line)
            await session.rollback()
            raise OutOfStockError(
                "The order's reservation expired and its stock is no longer available.",
                orderId=str(order_id),
                items=[short],
            )
        changes += events.stock_changed(
            product, kind=MovementKind.SALE, on_hand_delta=-line.quantity, order_id=order_id
        )
    await events.write(session, changes)
