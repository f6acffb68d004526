"""Who may see which order, and reading an order for a change or right after one.

An order is seen by its customer, admins and services; for anyone else it does not exist (NOT_FOUND,
never FORBIDDEN, so ids cannot be probed).
"""

from __future__ import annotations

import uuid

from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.auth import Caller, Principal, Role, require_role
from subgraphs.common.errors import NotFoundError
from subgraphs.orders import repository
from subgraphs.orders.models import OrderRecord

STAFF = (Role.ADMIN,)
READERS = (Role.CUSTOMER, Role.ADMIN, Role.SERVICE)
SYSTEM_ACTOR = "system"  # the history's `by` for what no user did (payments, sweeps, stock tasks)


def _principal(caller: Caller) -> Principal | None:
    return caller if isinstance(caller, Principal) and caller.is_authenticated else None


def can_see(caller: Caller, order: OrderRecord | None) -> bool:
    """An order is seen by its customer, admins and services; for anyone else it does not exist."""
    principal = _principal(caller)
    if order is None or principal is None:
        return False
    return principal.role in (Role.ADMIN, Role.SERVICE) or principal.subject == order.customer_id


def check_reader(caller: Caller) -> Principal:
    return require_role(caller, *READERS)


async def load_for_change(session: AsyncSession, caller: Caller, order_id: uuid.UUID) -> OrderRecord:
    """The order, locked until the transaction ends; NOT_FOUND when `caller` may not see it."""
    order = await repository.lock_order(session=session, order_id=order_id)
    if order is None or not can_see(caller, order):
        await session.rollback()
        raise NotFoundError("There is no such order.", orderId=str(order_id))
    return order


async def reread(session: AsyncSession, order_id: uuid.UUID) -> OrderRecord:
    """The order as this request just committed it (gone only if deleted since, which is NOT_FOUND)."""
    order = await repository.get_order(session=session, order_id=order_id)
    await session.rollback()
    if order is None:
        raise NotFoundError("There is no such order.", orderId=str(order_id))
    return order
