"""Checkout under load: the calls to products are bounded, refused calls owe nothing, a shortage is
remembered for a moment, and a reservation attempt that arrives after its checkout was answered takes
no stock. Each test runs its own orders app against the session's products server, through a proxy
that watches the traffic."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.common.auth import Role
from subgraphs.orders.bulkhead import Priority
from subgraphs.orders.config import OrdersSettings
from subgraphs.orders.context import OrdersResources
from subgraphs.orders.main import create_app as create_orders_app
from subgraphs.orders.products_client import ProductsClient
from tests.subgraphs.orders.servers import WatchingProxy
from tests.subgraphs.orders.shop import Shop, place
from tests.support.graphql import GraphQLClient
from tests.support.servers import ThreadServer
from tests.support.tokens import Tokens

pytestmark = pytest.mark.slow  # bursts of concurrent checkouts against a slowed products

RESTOCK = "mutation($id: ID!, $q: Int!) { restockProduct(id: $id, quantity: $q) { id } }"


@dataclass
class Checkout:
    """An orders app whose calls to products go through `proxy`."""

    gql: GraphQLClient
    own: OrdersResources
    proxy: WatchingProxy


CheckoutFactory = Callable[..., contextlib.AbstractAsyncContextManager[Checkout]]


@pytest.fixture
def checkout(
    products_server: ThreadServer, make_orders_settings: Callable[..., OrdersSettings], clean_shop: None
) -> CheckoutFactory:
    @contextlib.asynccontextmanager
    async def build(
        *, delay: float = 0.0, hold_first_reservation: bool = False, **overrides: Any
    ) -> AsyncIterator[Checkout]:
        proxy = WatchingProxy(
            products_server.graphql_url, delay=delay, hold_first_reservation=hold_first_reservation
        )
        server = ThreadServer(lambda: proxy, lifespan="off")
        await server.start_async()
        app = create_orders_app(make_orders_settings(server.graphql_url, **overrides))
        try:
            async with LifespanManager(app):
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://orders") as client:
                    yield Checkout(GraphQLClient(client), app.state.orders, proxy)
        finally:
            proxy.let_go()
            await server.stop_async()

    return build


async def rows(engine: AsyncEngine, sql: str) -> list[tuple[Any, ...]]:
    async with engine.connect() as connection:
        return [tuple(row) for row in await connection.execute(text(sql))]


async def test_no_more_calls_reach_products_at_once_than_the_bulkhead_allows(
    checkout: CheckoutFactory, shop: Shop, tokens: Tokens
) -> None:
    mug = await shop.product("LOAD-1", stock=50)
    # A generous products timeout: on a loaded machine a commit that took over the usual 2 s would be
    # sent again (it is idempotent), and this test counts calls.
    async with checkout(
        delay=0.05, products_max_concurrency=2, products_max_wait_seconds=60, products_timeout_seconds=30
    ) as c:
        buyers = [tokens.for_role(Role.CUSTOMER, f"load-{n}") for n in range(12)]

        results = await asyncio.gather(*(place(c.gql, buyer, (mug, 1)) for buyer in buyers))

        assert [r.errors for r in results] == [[]] * 12
        assert [r.data["placeOrder"]["status"] for r in results] == ["PAID"] * 12
        assert c.proxy.calls["reserveStock"] == c.proxy.calls["commitStock"] == 12
        assert c.proxy.most_in_flight <= 2


async def test_a_reservation_refused_before_it_was_sent_leaves_no_order_and_owes_nothing(
    checkout: CheckoutFactory, shop: Shop, tokens: Tokens, orders_engine: AsyncEngine, monkeypatch: Any
) -> None:
    mug = await shop.product("LOAD-2", stock=5)
    async with checkout(products_max_concurrency=1, products_max_wait_seconds=0.05) as c:
        client: ProductsClient = c.own.products
        reserve = client.reserve

        async def reserve_while_the_only_slot_is_busy(**arguments: Any) -> None:
            async with client.bulkhead.slot(Priority.SETTLE):  # another call holds the only slot
                await reserve(**arguments)

        monkeypatch.setattr(client, "reserve", reserve_while_the_only_slot_is_busy)

        result = await place(c.gql, tokens.customer, (mug, 1))

        assert result.codes == ["UNAVAILABLE"]
        assert result.errors[0]["extensions"]["reason"] == "queue_timeout"
        assert c.proxy.calls["reserveStock"] == c.proxy.calls["releaseStock"] == 0
    assert await rows(orders_engine, "SELECT id FROM orders.orders") == []
    assert await rows(orders_engine, "SELECT order_id FROM orders.stock_tasks") == []
    assert await shop.stock_of(mug) == {"onHand": 5, "reserved": 0, "available": 5}


async def test_a_call_beyond_the_bulkheads_line_is_unavailable_at_once(
    checkout: CheckoutFactory, shop: Shop, tokens: Tokens, orders_engine: AsyncEngine
) -> None:
    mug = await shop.product("LOAD-3", stock=5)
    async with checkout(products_max_concurrency=1, products_max_waiting=0) as c:
        async with c.own.products.bulkhead.slot(Priority.SETTLE):  # the only slot is busy
            result = await place(c.gql, tokens.customer, (mug, 1))

        assert result.codes == ["UNAVAILABLE"]
        assert result.errors[0]["extensions"]["reason"] == "queue_full"
        assert sum(c.proxy.calls.values()) == 0
    assert await rows(orders_engine, "SELECT id FROM orders.orders") == []


async def test_after_products_said_out_of_stock_the_next_checkout_is_refused_without_asking_again(
    checkout: CheckoutFactory, shop: Shop, tokens: Tokens, orders_engine: AsyncEngine
) -> None:
    mug = await shop.product("LOAD-4", stock=1)
    async with checkout(shortage_hint_seconds=3600) as c:
        sold = await place(c.gql, tokens.for_role(Role.CUSTOMER, "first"), (mug, 1))
        refused = await place(c.gql, tokens.for_role(Role.CUSTOMER, "second"), (mug, 1))
        hinted = await place(c.gql, tokens.for_role(Role.CUSTOMER, "third"), (mug, 1))

        assert sold.data["placeOrder"]["status"] == "PAID"
        assert refused.codes == hinted.codes == ["OUT_OF_STOCK"]
        assert hinted.errors[0]["extensions"]["items"] == [
            {"productId": mug["id"], "requested": 1, "available": 0}
        ]
        assert c.proxy.calls["reserveStock"] == 2  # the first two asked products; the third did not
    assert await rows(orders_engine, "SELECT status FROM orders.orders") == [("paid",)]


async def test_a_reservation_attempt_that_arrives_after_its_checkout_was_answered_takes_no_stock(
    checkout: CheckoutFactory, shop: Shop, tokens: Tokens, orders_engine: AsyncEngine
) -> None:
    mug = await shop.product("LOAD-5", stock=0)
    async with checkout(hold_first_reservation=True, products_timeout_seconds=0.5, products_retries=1) as c:
        # The first attempt is held on the way and times out; the retry finds no stock. The held one
        # may still arrive, so the answer is no definite no: the checkout owes (and sends) a release.
        result = await place(c.gql, tokens.customer, (mug, 1))
        assert result.codes == ["UNAVAILABLE"]
        assert result.errors[0]["extensions"]["reason"] == "outcome_unknown"

        (await shop.gql.execute(RESTOCK, {"id": mug["id"], "q": 1}, token=tokens.admin)).ok()
        c.proxy.let_go()
        deadline = time.monotonic() + 30
        while not c.proxy.late_answers:
            assert time.monotonic() < deadline, "the held reservation never reached products"
            await asyncio.sleep(0.02)

        late = c.proxy.late_answers[0]
        assert [error["extensions"]["code"] for error in late["errors"]] == ["CONFLICT"]
    assert await shop.stock_of(mug) == {"onHand": 1, "reserved": 0, "available": 1}
    assert await rows(orders_engine, "SELECT id FROM orders.orders") == []
    assert await rows(orders_engine, "SELECT order_id FROM orders.stock_tasks") == []
    assert await rows(orders_engine, "SELECT status FROM products.stock_reservations") == [("released",)]
