"""Order listings as keyset pages of `(created_at, id)`: an admin's search, and many customers'
pages in one query (`User.orders`)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    DateTime,
    Integer,
    Text,
    Uuid,
    bindparam,
    func,
    literal_column,
    or_,
    true,
    tuple_,
)
from sqlalchemy.sql import Executable
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.db import column_rows
from subgraphs.orders.models import (
    Order,
)
from subgraphs.orders.search import CustomerPage, OrderKey, OrderSearch


@lru_cache(maxsize=2**5)  # every shape there is (five conditions, each given or not)
def _search_statement(given: frozenset[str]) -> Executable:
    """The keyset page for the values `given` (their names: the search's shape), values bound:
    SQLAlchemy builds it and its cache key once per shape, not per page."""
    created_at, order_id = col(Order.created_at), col(Order.id)
    statement = select(created_at, order_id)
    if "customer_id" in given:
        statement = statement.where(col(Order.customer_id) == bindparam("customer_id"))
    if "status" in given:
        statement = statement.where(col(Order.status) == bindparam("status"))
    if "created_after" in given:
        statement = statement.where(created_at >= bindparam("created_after"))
    if "created_before" in given:
        statement = statement.where(created_at < bindparam("created_before"))
    if "after_time" in given:
        after_time = bindparam("after_time", type_=DateTime(timezone=True))
        position = tuple_(after_time, bindparam("after_id", type_=Uuid))
        statement = statement.where(tuple_(created_at, order_id) < position)
    return statement.order_by(created_at.desc(), order_id.desc()).limit(bindparam("limit"))


async def search_order_ids(
    *, session: AsyncSession, search: OrderSearch, limit: int, after: OrderKey | None
) -> list[OrderKey]:
    """One page of order keys, newest first (keyset order on creation time, then id)."""
    values: dict[str, Any] = {"limit": limit}
    if search.customer_id is not None:
        values["customer_id"] = search.customer_id
    if search.status is not None:
        values["status"] = search.status.value
    if search.created_after is not None:
        values["created_after"] = search.created_after
    if search.created_before is not None:
        values["created_before"] = search.created_before
    if after is not None:
        values["after_time"], values["after_id"] = after
    statement = _search_statement(frozenset(values))
    return [(created_at, order_id) for created_at, order_id in await column_rows(session, statement, values)]


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
    for slot, created_at, order_id in await column_rows(session, _CUSTOMER_PAGES, params):
        keys[slot - 1].append((created_at, order_id))
    return keys
