"""The idempotency key: the same key returns the same order and never charges twice."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.common.auth import Role
from subgraphs.orders.context import OrdersResources
from subgraphs.orders.payments import DECLINED_CARD
from tests.subgraphs.orders.shop import Shop, place, placed
from tests.support.graphql import GraphQLClient
from tests.support.tokens import Tokens


async def orders_for_key(engine: AsyncEngine, key: str) -> int:
    async with engine.connect() as connection:
        result = await connection.execute(
            text("SELECT count(*) FROM orders.orders WHERE idempotency_key = :key"), {"key": key}
        )
        return int(result.scalar_one())


async def test_repeating_a_checkout_returns_the_same_order_and_charges_once(
    gql: GraphQLClient, shop: Shop, tokens: Tokens, own: OrdersResources
) -> None:
    mug = await shop.product("IDEM-1", stock=10)

    first = await placed(gql, tokens.customer, (mug, 2), key="cart-1")
    again = await placed(gql, tokens.customer, (mug, 2), key="cart-1")

    assert again == first
    assert [entry.kind for entry in own.payments.ledger] == ["charge"]
    assert (await shop.stock_of(mug))["onHand"] == 8


async def test_concurrent_repeats_place_one_order_and_charge_once(
    gql: GraphQLClient, shop: Shop, tokens: Tokens, own: OrdersResources, orders_engine: AsyncEngine
) -> None:
    mug = await shop.product("IDEM-2", stock=10)

    results = await asyncio.gather(*(place(gql, tokens.customer, (mug, 1), key="cart-2") for _ in range(5)))

    ids = {result.ok()["placeOrder"]["id"] for result in results}
    assert len(ids) == 1
    assert await orders_for_key(orders_engine, "cart-2") == 1
    assert [entry.kind for entry in own.payments.ledger] == ["charge"]
    assert (await shop.stock_of(mug))["onHand"] == 9


async def test_the_same_key_for_another_cart_is_a_conflict(
    gql: GraphQLClient, shop: Shop, tokens: Tokens, own: OrdersResources
) -> None:
    mug = await shop.product("IDEM-3", stock=10)
    await placed(gql, tokens.customer, (mug, 1), key="cart-3")

    result = await place(gql, tokens.customer, (mug, 2), key="cart-3")

    assert result.codes == ["CONFLICT"]
    assert result.errors[0]["extensions"]["field"] == "idempotencyKey"
    assert len(own.payments.ledger) == 1


async def test_repeating_a_declined_checkout_returns_the_failed_order_without_charging_again(
    gql: GraphQLClient, shop: Shop, tokens: Tokens, own: OrdersResources
) -> None:
    mug = await shop.product("IDEM-4", stock=10)

    first = await placed(gql, tokens.customer, (mug, 1), card=DECLINED_CARD, key="cart-4")
    again = await placed(gql, tokens.customer, (mug, 1), card=DECLINED_CARD, key="cart-4")

    assert again["id"] == first["id"]
    assert again["status"] == "PAYMENT_FAILED"
    assert len(own.payments.ledger) == 1


async def test_keys_belong_to_one_customer(gql: GraphQLClient, shop: Shop, tokens: Tokens) -> None:
    mug = await shop.product("IDEM-5", stock=10)

    mine = await placed(gql, tokens.customer, (mug, 1), key="shared")
    theirs = await placed(gql, tokens.for_role(Role.CUSTOMER, "someone-else"), (mug, 1), key="shared")

    assert mine["id"] != theirs["id"]
    assert theirs["customer"] == {"id": "someone-else"}
