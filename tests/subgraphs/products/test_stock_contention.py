"""Reserving one product under contention: a sold-out product answers without queueing for its row,
and a reservation or settlement locks the product row only for its UPDATE and the commit."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.subgraphs.products.builders import Catalog
from tests.subgraphs.products.test_stock import COMMIT, RELEASE, new_order, reserve, stock_of
from tests.support.counters import count_sql
from tests.support.graphql import GraphQLClient
from tests.support.tokens import Tokens

GUARD_SECONDS = 20  # only against a hang: a reservation that queued for the lock would never finish


# After the last product UPDATE: the one INSERT of the change's events into the outbox (they must be in
# the transaction, and numbered under the row's lock: docs/events.md), then only COMMIT (not counted).
ONLY_THE_EVENTS = ["INSERT"]


def statements_after_the_product_update(statements: list[str]) -> list[str]:
    """What the transaction sent after it locked the product row (by its UPDATE)."""
    updates = [
        n for n, sql in enumerate(statements) if sql.lstrip().upper().startswith("UPDATE PRODUCTS.PRODUCTS")
    ]
    assert updates, statements
    return [sql.split()[0].upper() for sql in statements[updates[-1] + 1 :]]


async def test_a_sold_out_product_refuses_a_reservation_while_its_row_is_locked(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens, products_engine: AsyncEngine
) -> None:
    product = await catalog.product("HOT-LOCK", stock=0)
    async with products_engine.connect() as holder:
        await holder.execute(
            text("SELECT 1 FROM products.products WHERE id = :id FOR UPDATE"), {"id": product["id"]}
        )

        refused = await asyncio.wait_for(reserve(gql, tokens, new_order(), (product, 1)), GUARD_SECONDS)

        await holder.rollback()
    assert refused.codes == ["OUT_OF_STOCK"]
    assert refused.errors[0]["extensions"]["items"] == [
        {"productId": product["id"], "requested": 1, "available": 0}
    ]


async def test_a_reservation_locks_the_product_row_only_for_its_update_and_the_commit(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens, products_engine: AsyncEngine
) -> None:
    product = await catalog.product("HOT-ORDER", stock=3)

    with count_sql(products_engine) as sql:
        (await reserve(gql, tokens, new_order(), (product, 1))).ok()

    assert statements_after_the_product_update(sql.statements) == ONLY_THE_EVENTS
    assert await stock_of(gql, tokens, product) == {"onHand": 3, "reserved": 1, "available": 2}


async def test_a_sale_locks_the_product_row_only_for_its_update_and_the_commit(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens, products_engine: AsyncEngine
) -> None:
    product = await catalog.product("HOT-SALE", stock=3)
    order = new_order()
    (await reserve(gql, tokens, order, (product, 1))).ok()

    with count_sql(products_engine) as sql:
        (await gql.execute(COMMIT, {"order": order}, token=tokens.service)).ok()

    assert statements_after_the_product_update(sql.statements) == ONLY_THE_EVENTS
    assert await stock_of(gql, tokens, product) == {"onHand": 2, "reserved": 0, "available": 2}


async def test_a_release_locks_the_product_row_only_for_its_update_and_the_commit(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens, products_engine: AsyncEngine
) -> None:
    product = await catalog.product("HOT-RELEASE", stock=3)
    order = new_order()
    (await reserve(gql, tokens, order, (product, 2))).ok()

    with count_sql(products_engine) as sql:
        (await gql.execute(RELEASE, {"order": order}, token=tokens.service)).ok()

    assert statements_after_the_product_update(sql.statements) == ONLY_THE_EVENTS
    assert await stock_of(gql, tokens, product) == {"onHand": 3, "reserved": 0, "available": 3}
