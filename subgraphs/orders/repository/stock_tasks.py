"""What products is still owed per order (`stock_tasks`): put, claim (leased), finish, postpone."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import (
    delete,
    func,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.orders.models import (
    StockAction,
    StockTask,
    StockTaskRecord,
    utc_now,
)


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
