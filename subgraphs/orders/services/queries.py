"""Reading orders a page at a time: an admin's listing of every order, and users' own listings
(`User.orders`, read for many users at once through the request's loader)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.auth import Caller, Role, require_role
from subgraphs.common.errors import BadUserInputError, ForbiddenError
from subgraphs.common.pagination import decode_cursor, encode_cursor, invalid_cursor, page_size
from subgraphs.orders import repository
from subgraphs.orders.deps import OrdersDeps
from subgraphs.orders.models import OrderStatus
from subgraphs.orders.search import CustomerPage, OrderKey, OrderSearch
from subgraphs.orders.services.access import STAFF, check_reader


@dataclass(frozen=True)
class OrderPage:
    """Order ids of one page, newest first, each with its cursor; load them through the loader."""

    items: list[tuple[uuid.UUID, str]]
    has_next_page: bool
    has_previous_page: bool


def encode_order_cursor(key: OrderKey) -> str:
    created_at, order_id = key
    return encode_cursor({"t": created_at.isoformat(), "i": str(order_id)})


def decode_order_cursor(cursor: str) -> OrderKey:
    position = decode_cursor(cursor)
    try:
        return datetime.fromisoformat(position["t"]), uuid.UUID(str(position["i"]))
    except (KeyError, TypeError, ValueError) as error:
        raise invalid_cursor() from error


def _order_page(keys: Sequence[OrderKey], size: int, *, after: bool) -> OrderPage:
    """The page of up to `size + 1` keys read (the extra one only says a next page exists)."""
    return OrderPage(
        items=[(order_id, encode_order_cursor((created, order_id))) for created, order_id in keys[:size]],
        has_next_page=len(keys) > size,
        has_previous_page=after,
    )


async def list_orders(
    deps: OrdersDeps, search: OrderSearch, *, first: int | None, after: str | None
) -> OrderPage:
    """Admins: every order, filtered by status, customer and creation time."""
    require_role(deps.caller, *STAFF)
    if search.created_after and search.created_before and search.created_after >= search.created_before:
        raise BadUserInputError("createdAfter must be before createdBefore.", field="createdAfter")
    size = page_size(first)
    position = decode_order_cursor(after) if after else None
    keys = await repository.search_order_ids(
        session=deps.session, search=search, limit=size + 1, after=position
    )
    return _order_page(keys, size, after=after is not None)


def customer_page(
    *, caller: Caller, customer_id: str, status: OrderStatus | None, first: int | None, after: str | None
) -> CustomerPage:
    """A user's orders, newest first, are for that user, admins and services: the page asked for, checked
    (read it with `customer_pages`, through the request's loader)."""
    principal = check_reader(caller)
    if principal.role is Role.CUSTOMER and principal.subject != customer_id:
        raise ForbiddenError("You may only see your own orders.")
    size = page_size(first)
    position = decode_order_cursor(after) if after else None
    return CustomerPage(
        customer_id=customer_id, status=status, size=size, after=position, cursor_given=after is not None
    )


async def customer_pages(*, session: AsyncSession, pages: Sequence[CustomerPage]) -> list[OrderPage]:
    """Checked pages of many users' orders, read in one query, in the order asked."""
    keys = await repository.customer_order_keys(session=session, pages=pages)
    return [
        _order_page(found, page.size, after=page.cursor_given)
        for page, found in zip(pages, keys, strict=True)
    ]
