"""What products is still owed per order (`stock_tasks`): a task runs right after the commit that
wrote it and, while products cannot be reached, again later (`run_due_stock_tasks`, the worker) until
products has answered. Checkouts interrupted mid-way (left PENDING) are cancelled and owe a release.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import structlog
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.errors import DomainError, OutOfStockError
from subgraphs.orders import events, repository
from subgraphs.orders.caches import OrderCaches
from subgraphs.orders.deps import Refunds
from subgraphs.orders.models import OrderStatus, PaymentStatus, StockAction, StockTaskRecord, utc_now
from subgraphs.orders.products_answers import ProductsUnavailable
from subgraphs.orders.products_client import ProductsClient
from subgraphs.orders.services.access import SYSTEM_ACTOR
from subgraphs.orders.services.refunds import refund_if_paid

log = structlog.get_logger(__name__)

MAX_TASK_DELAY_SECONDS = 300
STOCK_TASK_LEASE_SECONDS = 60  # how long a claimed stock task is left to the worker that claimed it
UNSOLD_NOTE = "stock no longer available"


async def _perform(products: ProductsClient, task: StockTaskRecord) -> None:
    if task.action is StockAction.COMMIT:
        await products.commit(order_id=task.order_id)
    elif task.action is StockAction.RELEASE:
        await products.release(order_id=task.order_id)
    else:
        await products.return_stock(order_id=task.order_id)


async def run_stock_task(
    *,
    session: AsyncSession,
    products: ProductsClient,
    task: StockTaskRecord,
    refunds: Refunds | None = None,
) -> bool:
    """Ask products to do what it owes the order; True when done. A failure to reach products keeps
    the task for a later attempt (with a growing delay); a definite refusal ends it, logged. A sale
    refused OUT_OF_STOCK (the order's reservation expired in products and its stock went elsewhere)
    cancels the order and refunds it, given `refunds`: no order stays PAID without its stock."""
    try:
        await _perform(products, task)
    except OutOfStockError as error:
        if task.action is not StockAction.COMMIT or refunds is None:
            return await _refused(session, task, error)
        await _cancel_unsold(session, refunds, task.order_id)
        return False
    except ProductsUnavailable as error:
        delay = timedelta(seconds=min(MAX_TASK_DELAY_SECONDS, 2 ** min(task.attempts, 16)))
        await repository.postpone_stock_task(
            session=session,
            order_id=task.order_id,
            action=task.action,
            error=error.message + f" ({error.extensions.get('reason')})",
            delay=delay,
            give_up=False,
        )
        await session.commit()
        return False
    except DomainError as error:
        return await _refused(session, task, error)
    await repository.finish_stock_task(session=session, order_id=task.order_id, action=task.action)
    await session.commit()
    return True


async def _refused(session: AsyncSession, task: StockTaskRecord, error: DomainError) -> bool:
    """End a task products definitely refused, keeping the error (logged)."""
    log.error(
        "orders.stock_task_refused",
        order_id=str(task.order_id),
        action=task.action.value,
        code=error.code,
        error=error.message,
    )
    await repository.postpone_stock_task(
        session=session,
        order_id=task.order_id,
        action=task.action,
        error=f"{error.code}: {error.message}",
        delay=timedelta(0),
        give_up=True,
    )
    await session.commit()
    return False


async def _cancel_unsold(session: AsyncSession, refunds: Refunds, order_id: uuid.UUID) -> None:
    """Cancel a PAID order products cannot sell any more, refunding its payment; its sale task becomes
    a release (products holds nothing for it: releasing an expired reservation changes nothing)."""
    order = await repository.lock_order(session=session, order_id=order_id)
    if order is None or order.status is not OrderStatus.PAID:
        await session.rollback()
        return
    changes = await refund_if_paid(refunds.payments, order)
    await repository.transition(
        session=session,
        order_id=order_id,
        from_status=OrderStatus.PAID,
        to_status=OrderStatus.CANCELLED,
        actor=SYSTEM_ACTOR,
        note=UNSOLD_NOTE,
        changes=changes,
    )
    await repository.put_stock_task(session=session, order_id=order_id, action=StockAction.RELEASE)
    await events.order_cancelled(
        session,
        order_id=order_id,
        customer_id=order.customer_id,
        reason=UNSOLD_NOTE,
        refunded=bool(changes),
        stock_action=StockAction.RELEASE,
    )
    await session.commit()
    await refunds.caches.forget_orders([order_id])
    log.warning("orders.cancelled_unsold", order_id=str(order_id), refunded=bool(changes))


async def run_task_now(
    session: AsyncSession, products: ProductsClient, order_id: uuid.UUID, refunds: Refunds
) -> None:
    """Run the order's stock task right after the commit that wrote it; it stays queued on failure."""
    task = await repository.get_stock_task(session=session, order_id=order_id)
    await session.rollback()
    if task is not None:
        await run_stock_task(session=session, products=products, task=task, refunds=refunds)


async def run_due_stock_tasks(
    *,
    session: AsyncSession,
    products: ProductsClient,
    now: datetime | None = None,
    limit: int = 100,
    refunds: Refunds | None = None,
) -> int:
    """Retry the stock tasks that are due (by `now`) and that no other replica is running; how many
    were done. With `refunds`, a sale products can no longer make cancels and refunds its order."""
    tasks = await repository.claim_due_stock_tasks(
        session=session, now=now or utc_now(), limit=limit, lease=timedelta(seconds=STOCK_TASK_LEASE_SECONDS)
    )
    await session.commit()
    done = 0
    for task in tasks:
        done += await run_stock_task(session=session, products=products, task=task, refunds=refunds)
    return done


async def fail_stale_checkouts(
    *, session: AsyncSession, caches: OrderCaches, older_than: timedelta, limit: int = 100
) -> list[uuid.UUID]:
    """Cancel checkouts left PENDING (the process died mid-checkout); their stock is owed back."""
    customer_ids = await repository.stale_pending_orders(
        session=session, older_than=utc_now() - older_than, limit=limit
    )
    cancelled: list[uuid.UUID] = []
    for order_id in customer_ids:
        moved = await repository.transition(
            session=session,
            order_id=order_id,
            from_status=OrderStatus.PENDING,
            to_status=OrderStatus.CANCELLED,
            actor=SYSTEM_ACTOR,
            note="checkout interrupted",
            changes={"payment_status": PaymentStatus.FAILED.value},
        )
        if moved:
            await repository.put_stock_task(session=session, order_id=order_id, action=StockAction.RELEASE)
            await events.order_cancelled(
                session,
                order_id=order_id,
                customer_id=customer_ids[order_id],
                reason="checkout interrupted",
                refunded=False,
                stock_action=StockAction.RELEASE,
            )
            cancelled.append(order_id)
    await session.commit()
    await caches.forget_orders(cancelled)
    return cancelled
