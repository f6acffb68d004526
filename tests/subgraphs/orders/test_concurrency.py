"""No oversell: many customers checking out at once against little stock buy exactly the stock."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.common.auth import Role
from tests.subgraphs.orders.shop import Shop, place
from tests.support.graphql import GraphQLClient
from tests.support.tokens import Tokens

pytestmark = pytest.mark.slow  # races of concurrent checkouts


async def test_concurrent_checkouts_sell_exactly_the_stock(
    gql: GraphQLClient, shop: Shop, tokens: Tokens, orders_engine: AsyncEngine
) -> None:
    hot = await shop.product("HOT-1", stock=6)
    buyers = [tokens.for_role(Role.CUSTOMER, f"buyer-{n}") for n in range(25)]

    results = await asyncio.gather(*(place(gql, buyer, (hot, 1)) for buyer in buyers))

    paid = [r for r in results if not r.errors]
    refused = [r for r in results if r.errors]
    assert len(paid) == 6
    assert all(r.data["placeOrder"]["status"] == "PAID" for r in paid)
    assert {code for r in refused for code in r.codes} == {"OUT_OF_STOCK"}
    assert await shop.stock_of(hot) == {"onHand": 0, "reserved": 0, "available": 0}
    async with orders_engine.connect() as connection:
        statuses = (
            await connection.execute(text("SELECT status, count(*) FROM orders.orders GROUP BY status"))
        ).all()
    assert [tuple(row) for row in statuses] == [("paid", 6)]


async def test_concurrent_multi_line_checkouts_never_oversell_any_product(
    gql: GraphQLClient, shop: Shop, tokens: Tokens
) -> None:
    a = await shop.product("HOT-A", stock=5)
    b = await shop.product("HOT-B", stock=3)
    carts = [((a, 2), (b, 1)), ((b, 2), (a, 1)), ((a, 1),), ((b, 1),)] * 5

    results = await asyncio.gather(
        *(place(gql, tokens.for_role(Role.CUSTOMER, f"c-{n}"), *cart) for n, cart in enumerate(carts))
    )

    sold_a = sum(q for r, cart in zip(results, carts, strict=True) if not r.errors for p, q in cart if p is a)
    sold_b = sum(q for r, cart in zip(results, carts, strict=True) if not r.errors for p, q in cart if p is b)
    assert sold_a <= 5
    assert sold_b <= 3
    assert (await shop.stock_of(a))["onHand"] == 5 - sold_a
    assert (await shop.stock_of(b))["onHand"] == 3 - sold_b
    assert (await shop.stock_of(a))["reserved"] == (await shop.stock_of(b))["reserved"] == 0
    assert {code for r in results for code in r.codes} <= {"OUT_OF_STOCK"}
