"""An order's life after checkout: the state machine, cancelling a paid order, and an admin moving it
along fulfilment. Every change checks the caller's role before it reads anything (its input was checked
when the resolver parsed it), commits, then drops the order from the cache."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.auth import Role, require_role
from subgraphs.common.errors import ConflictError, IllegalTransitionError
from subgraphs.orders import events, repository
from subgraphs.orders.deps import OrdersDeps
from subgraphs.orders.events import OrderEvent
from subgraphs.orders.models import OrderRecord, OrderStatus, StockAction
from subgraphs.orders.schemas import OrderCancellation, StatusUpdate
from subgraphs.orders.services.access import STAFF, load_for_change, reread
from subgraphs.orders.services.refunds import refund_if_paid
from subgraphs.orders.services.stock_tasks import run_task_now

# The state machine: which status may follow which. Everything else is refused.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.PAID, OrderStatus.PAYMENT_FAILED, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED}),
    OrderStatus.DELIVERED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.PAYMENT_FAILED: frozenset(),
}


def check_transition(current: OrderStatus, target: OrderStatus) -> None:
    allowed = TRANSITIONS[current]
    if target not in allowed:
        raise IllegalTransitionError(
            f"An order that is {current.name} cannot become {target.name}.",
            currentStatus=current.name,
            requestedStatus=target.name,
            allowedStatuses=sorted(status.name for status in allowed),
        )


async def _check_or_roll_back(session: AsyncSession, order: OrderRecord, target: OrderStatus) -> None:
    """`check_transition` for a locked order; a refusal ends the transaction (and the lock)."""
    try:
        check_transition(order.status, target)
    except IllegalTransitionError:
        await session.rollback()
        raise


async def cancel_order(deps: OrdersDeps, cancellation: OrderCancellation) -> OrderRecord:
    """Cancel a paid order before it ships (its customer or an admin): the payment is refunded
    (simulated) and products is owed the stock back."""
    principal = require_role(deps.caller, Role.CUSTOMER, *STAFF)
    session, order_id = deps.session, cancellation.order_id
    order = await load_for_change(session, principal, order_id)
    if order.status is OrderStatus.PENDING:
        await session.rollback()
        raise ConflictError("The order is still being placed; try again in a moment.", orderId=str(order_id))
    await _check_or_roll_back(session, order, OrderStatus.CANCELLED)
    changes = await refund_if_paid(deps.payments, order)
    moved = await repository.transition(
        session=session,
        order_id=order_id,
        from_status=order.status,
        to_status=OrderStatus.CANCELLED,
        actor=principal.subject,
        note=cancellation.reason,
        changes=changes,
    )
    if not moved:  # cannot happen while the row is locked; refuse rather than keep half a cancel
        await session.rollback()
        raise ConflictError(
            "The order changed while it was being cancelled; try again.", orderId=str(order_id)
        )
    await repository.put_stock_task(session=session, order_id=order_id, action=StockAction.RETURN)
    await events.order_cancelled(
        session,
        order_id=order_id,
        customer_id=order.customer_id,
        reason=cancellation.reason,
        refunded=bool(changes),
        stock_action=StockAction.RETURN,
    )
    await session.commit()
    await deps.caches.forget_orders([order_id])
    await run_task_now(session, deps.products, order_id, deps.refunds)
    return await reread(session, order_id)


async def update_order_status(deps: OrdersDeps, update: StatusUpdate) -> OrderRecord:
    """Admins: move a paid order along fulfilment (SHIPPED, then DELIVERED)."""
    principal = require_role(deps.caller, *STAFF)
    session, order_id = deps.session, update.order_id
    order = await load_for_change(session, principal, order_id)
    await _check_or_roll_back(session, order, update.status)
    await repository.transition(
        session=session,
        order_id=order_id,
        from_status=order.status,
        to_status=update.status,
        actor=principal.subject,
        note=update.note,
    )
    await events.emit(
        session,
        OrderEvent.SHIPPED if update.status is OrderStatus.SHIPPED else OrderEvent.DELIVERED,
        order_id=order_id,
        customer_id=order.customer_id,
        note=update.note,
    )
    await session.commit()
    await deps.caches.forget_orders([order_id])
    return await reread(session, order_id)
