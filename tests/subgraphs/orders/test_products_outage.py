"""Products down or slow: placeOrder answers UNAVAILABLE and leaves no half-written order and no
stranded reservation. Each test runs its own products server (really stopped mid-test) and its own
orders app, so an open circuit never leaks into other tests."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.db import create_session_factory
from subgraphs.orders.breaker import BreakerState
from subgraphs.orders.caches import OrderCaches
from subgraphs.orders.config import OrdersSettings
from subgraphs.orders.context import OrdersResources
from subgraphs.orders.deps import Refunds
from subgraphs.orders.main import create_app as create_orders_app
from subgraphs.orders.models import StockAction, utc_now
from subgraphs.orders.payments import DECLINED_CARD
from subgraphs.orders.services.stock_tasks import fail_stale_checkouts, run_due_stock_tasks
from subgraphs.products.caches import ProductCaches
from subgraphs.products.config import ProductsSettings
from subgraphs.products.expiry import release_expired_once
from subgraphs.products.main import create_app as create_products_app
from tests.subgraphs.orders.servers import SlowProxy
from tests.subgraphs.orders.shop import CANCEL_ORDER, ORDER, Shop, place, placed, stock_task
from tests.support.graphql import GraphQLClient
from tests.support.servers import ThreadServer
from tests.support.tokens import Tokens

pytestmark = pytest.mark.slow  # products stopped and started, breakers and timeouts waited out


@dataclass
class Rig:
    """An orders app wired to its own products server (optionally through a slow proxy)."""

    products: ThreadServer
    gql: GraphQLClient
    own: OrdersResources
    settings: OrdersSettings
    engine: AsyncEngine
    redis: Redis
    payment_gate: asyncio.Event
    """With `hold_payments`, every charge waits for this: a test stops products mid-checkout and then
    lets the payment go, whatever the time stopping took."""

    async def settle(self, *, passes: int = 20) -> int:
        """Run every owed stock task, pass after pass as the background worker does, until none is
        left or `passes` ran: a products server just started may not answer the very first call, and
        the worker's next pass is what settles it then. How many tasks were done."""
        done = 0
        refunds = Refunds(self.own.payments, OrderCaches.create(self.redis, self.settings))
        for _ in range(passes):
            async with AsyncSession(self.engine, expire_on_commit=False) as session:
                done += await run_due_stock_tasks(
                    session=session,
                    products=self.own.products,
                    now=utc_now() + timedelta(days=1),
                    refunds=refunds,
                )
            if not await owes_stock(self.engine):
                break
            await asyncio.sleep(0.1)
        return done


RigFactory = Callable[..., contextlib.AbstractAsyncContextManager[Rig]]


def held(charge: Callable[..., Awaitable[Any]], gate: asyncio.Event) -> Callable[..., Awaitable[Any]]:
    """`charge`, once `gate` is set."""

    async def when_let_go(**details: Any) -> Any:
        await gate.wait()
        return await charge(**details)

    return when_let_go


@pytest.fixture
def rig(
    products_settings: ProductsSettings,
    make_orders_settings: Callable[..., OrdersSettings],
    clean_shop: None,
    monkeypatch: pytest.MonkeyPatch,
) -> RigFactory:
    @contextlib.asynccontextmanager
    async def build(
        *, proxy_delay: float | None = None, hold_payments: bool = False, **overrides: Any
    ) -> AsyncIterator[Rig]:
        products = ThreadServer(lambda: create_products_app(products_settings))
        await products.start_async()
        proxy: ThreadServer | None = None
        url = products.graphql_url
        if proxy_delay is not None:
            proxy = ThreadServer(lambda: SlowProxy(products.graphql_url, delay=proxy_delay))
            await proxy.start_async()
            url = proxy.graphql_url
        settings = make_orders_settings(url, **overrides)
        app = create_orders_app(settings)
        payment_gate = asyncio.Event()
        try:
            async with LifespanManager(app):
                payments = app.state.orders.payments  # built by the app's startup
                if hold_payments:
                    monkeypatch.setattr(payments, "charge", held(payments.charge, payment_gate))
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://orders") as client:
                    yield Rig(
                        products=products,
                        gql=GraphQLClient(client),
                        own=app.state.orders,
                        settings=settings,
                        engine=app.state.resources.engine,
                        redis=app.state.resources.redis,
                        payment_gate=payment_gate,
                    )
        finally:
            if proxy is not None:
                await proxy.stop_async()
            await products.stop_async()

    return build


COUNTS = {
    "orders.orders": text("SELECT count(*) FROM orders.orders"),
    "orders.stock_tasks": text("SELECT count(*) FROM orders.stock_tasks"),
}


async def count(engine: AsyncEngine, table: str) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(COUNTS[table])).scalar_one())


async def owes_stock(engine: AsyncEngine) -> bool:
    """Whether any stock task is still waiting to be retried (not given up)."""
    async with engine.connect() as connection:
        statement = text("SELECT count(*) FROM orders.stock_tasks WHERE NOT failed")
        return int((await connection.execute(statement)).scalar_one()) > 0


async def reservation_statuses(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as connection:
        rows = await connection.execute(text("SELECT status FROM products.stock_reservations"))
        return [str(status) for (status,) in rows]


async def reservation_held(engine: AsyncEngine) -> bool:
    async with engine.connect() as connection:
        statement = text("SELECT count(*) FROM products.stock_reservations WHERE status = 'reserved'")
        return int((await connection.execute(statement)).scalar_one()) > 0


async def wait_for_reservation(engine: AsyncEngine) -> None:
    deadline = time.monotonic() + 30
    while not await reservation_held(engine):
        assert time.monotonic() < deadline, "the checkout never reserved stock"
        await asyncio.sleep(0.02)


async def test_place_order_is_unavailable_when_products_is_stopped(
    rig: RigFactory, shop: Shop, tokens: Tokens, orders_engine: AsyncEngine
) -> None:
    mug = await shop.product("OUT-1", stock=5)
    async with rig() as r:
        await r.products.stop_async()

        result = await place(r.gql, tokens.customer, (mug, 1))

        assert result.codes == ["UNAVAILABLE"]
        assert "unavailable" in result.errors[0]["message"]
    assert await count(orders_engine, "orders.orders") == 0
    assert await count(orders_engine, "orders.stock_tasks") == 0
    assert await shop.stock_of(mug) == {"onHand": 5, "reserved": 0, "available": 5}


async def test_checkout_works_again_once_products_is_back(
    rig: RigFactory, shop: Shop, tokens: Tokens
) -> None:
    mug = await shop.product("OUT-2", stock=5)
    async with rig() as r:
        await r.products.stop_async()
        assert (await place(r.gql, tokens.customer, (mug, 1), key="retry-me")).codes == ["UNAVAILABLE"]
        await r.products.start_async()

        order = await placed(r.gql, tokens.customer, (mug, 1), key="retry-me")

    assert order["status"] == "PAID"
    assert (await shop.stock_of(mug))["onHand"] == 4


async def test_the_circuit_opens_after_repeated_failures_and_then_fails_fast(
    rig: RigFactory, shop: Shop, tokens: Tokens
) -> None:
    mug = await shop.product("OUT-3", stock=5)
    async with rig(breaker_failure_threshold=2, products_retries=0) as r:
        await r.products.stop_async()
        for _ in range(2):
            assert (await place(r.gql, tokens.customer, (mug, 1))).codes == ["UNAVAILABLE"]
        assert r.own.products.breaker.state is BreakerState.OPEN

        await r.products.start_async()
        refused = await place(r.gql, tokens.customer, (mug, 1))

    assert refused.codes == ["UNAVAILABLE"]
    assert refused.errors[0]["extensions"]["reason"] == "circuit_open"
    assert (await shop.stock_of(mug))["reserved"] == 0


async def test_a_reservation_answered_too_late_is_released_and_no_order_is_left(
    rig: RigFactory, shop: Shop, tokens: Tokens, orders_engine: AsyncEngine
) -> None:
    mug = await shop.product("OUT-4", stock=5)
    # The reservation is answered long after orders gives up on it; the release that follows has
    # time enough on a busy machine (every call goes through the proxy's extra hop).
    async with rig(proxy_delay=4.0, products_timeout_seconds=1.5) as r:
        result = await place(r.gql, tokens.customer, (mug, 2))

        assert result.codes == ["UNAVAILABLE"]
    assert await count(orders_engine, "orders.orders") == 0
    assert await count(orders_engine, "orders.stock_tasks") == 0  # the release went through at once
    assert await reservation_statuses(orders_engine) == ["released"]  # products did hold it, then let go
    assert await shop.stock_of(mug) == {"onHand": 5, "reserved": 0, "available": 5}


async def test_products_stopping_after_the_reservation_leaves_a_paid_order_sold_later(
    rig: RigFactory, shop: Shop, tokens: Tokens, orders_engine: AsyncEngine
) -> None:
    mug = await shop.product("OUT-5", stock=5)
    async with rig(hold_payments=True, breaker_failure_threshold=10) as r:
        checkout = asyncio.create_task(placed(r.gql, tokens.customer, (mug, 2)))
        await wait_for_reservation(orders_engine)
        await r.products.stop_async()
        r.payment_gate.set()

        order = await checkout

        assert order["status"] == "PAID"
        task = await stock_task(orders_engine, order["id"])
        assert task is not None
        assert task.action is StockAction.COMMIT
        assert task.attempts == 1
        await r.products.start_async()
        assert await r.settle() == 1
    assert await stock_task(orders_engine, order["id"]) is None
    assert await shop.stock_of(mug) == {"onHand": 3, "reserved": 0, "available": 3}


async def test_a_release_owed_while_products_is_down_is_settled_when_it_returns(
    rig: RigFactory, shop: Shop, tokens: Tokens, orders_engine: AsyncEngine
) -> None:
    mug = await shop.product("OUT-6", stock=5)
    async with rig(hold_payments=True, breaker_failure_threshold=10) as r:
        checkout = asyncio.create_task(placed(r.gql, tokens.customer, (mug, 2), card=DECLINED_CARD))
        await wait_for_reservation(orders_engine)
        await r.products.stop_async()
        r.payment_gate.set()

        order = await checkout
        await r.products.start_async()
        held = await shop.stock_of(mug)
        await r.settle()

    assert order["status"] == "PAYMENT_FAILED"
    assert held["reserved"] == 2  # owed back, not yet given back
    assert await shop.stock_of(mug) == {"onHand": 5, "reserved": 0, "available": 5}


async def test_an_interrupted_checkout_is_cancelled_and_its_stock_released(
    rig: RigFactory, shop: Shop, tokens: Tokens, orders_engine: AsyncEngine
) -> None:
    mug = await shop.product("OUT-7", stock=5)
    async with rig(payment_latency_seconds=30.0) as r:
        checkout = asyncio.create_task(place(r.gql, tokens.customer, (mug, 1)))
        await wait_for_reservation(orders_engine)
        checkout.cancel()  # the process dies mid-payment
        with contextlib.suppress(asyncio.CancelledError):
            await checkout
        async with AsyncSession(r.engine, expire_on_commit=False) as session:
            cancelled = await fail_stale_checkouts(
                session=session, caches=OrderCaches.create(r.redis, r.settings), older_than=timedelta(0)
            )
        await r.settle()

    assert len(cancelled) == 1
    assert await shop.stock_of(mug) == {"onHand": 5, "reserved": 0, "available": 5}
    async with orders_engine.connect() as connection:
        status = (await connection.execute(text("SELECT status FROM orders.orders"))).scalar_one()
    assert status == "cancelled"


async def test_cancelling_a_paid_order_whose_sale_is_still_owed_gives_the_held_stock_back(
    rig: RigFactory, shop: Shop, tokens: Tokens, orders_engine: AsyncEngine
) -> None:
    mug = await shop.product("OUT-8", stock=5)
    async with rig(hold_payments=True, breaker_failure_threshold=10) as r:
        checkout = asyncio.create_task(placed(r.gql, tokens.customer, (mug, 2)))
        await wait_for_reservation(orders_engine)
        await r.products.stop_async()
        r.payment_gate.set()
        order = await checkout

        cancelled = await r.gql.execute(CANCEL_ORDER, {"id": order["id"]}, token=tokens.customer)
        owed = await stock_task(orders_engine, order["id"])
        await r.products.start_async()
        await r.settle()

    assert cancelled.ok()["cancelOrder"]["status"] == "CANCELLED"
    assert owed is not None
    assert owed.action is StockAction.RETURN  # replaces the commit that never happened
    assert await shop.stock_of(mug) == {"onHand": 5, "reserved": 0, "available": 5}
    assert await reservation_statuses(orders_engine) == ["released"]


async def test_the_background_worker_settles_what_is_owed_once_products_is_back(
    rig: RigFactory, shop: Shop, tokens: Tokens, orders_engine: AsyncEngine
) -> None:
    mug = await shop.product("OUT-9", stock=5)
    async with rig(hold_payments=True, breaker_failure_threshold=100, stock_task_interval_seconds=0.05) as r:
        checkout = asyncio.create_task(placed(r.gql, tokens.customer, (mug, 2)))
        await wait_for_reservation(orders_engine)
        await r.products.stop_async()
        r.payment_gate.set()
        order = await checkout
        await r.products.start_async()

        deadline = time.monotonic() + 30
        while await stock_task(orders_engine, order["id"]) is not None:
            assert time.monotonic() < deadline, "the worker never settled the owed commit"
            await asyncio.sleep(0.05)

    assert await shop.stock_of(mug) == {"onHand": 3, "reserved": 0, "available": 3}


TAKE_STOCK = 'mutation($id: ID!, $d: Int!) { adjustStock(id: $id, delta: $d, reason: "damaged") { id } }'


async def expire_held_stock(engine: AsyncEngine, redis: Redis, settings: ProductsSettings) -> int:
    """Run products' expiry pass with every hold past its expiry (as if the hold's time had run out)."""
    async with engine.begin() as connection:
        await connection.execute(
            text("UPDATE products.stock_reservations SET expires_at = now() - interval '1 minute'")
        )
    return await release_expired_once(
        sessions=create_session_factory(engine), caches=ProductCaches.create(redis, settings), limit=10
    )


async def test_a_sale_owed_past_the_hold_is_made_when_the_stock_is_still_there(
    rig: RigFactory,
    shop: Shop,
    tokens: Tokens,
    orders_engine: AsyncEngine,
    products_settings: ProductsSettings,
) -> None:
    mug = await shop.product("OUT-11", stock=5)
    async with rig(hold_payments=True, breaker_failure_threshold=10) as r:
        checkout = asyncio.create_task(placed(r.gql, tokens.customer, (mug, 2)))
        await wait_for_reservation(orders_engine)
        await r.products.stop_async()
        r.payment_gate.set()
        order = await checkout
        assert await expire_held_stock(orders_engine, r.redis, products_settings) == 1
        await r.products.start_async()
        await r.settle()
        after = (await r.gql.execute(ORDER, {"id": order["id"]}, token=tokens.customer)).ok()["order"]

    assert after["status"] == "PAID"
    assert await shop.stock_of(mug) == {"onHand": 3, "reserved": 0, "available": 3}
    assert await reservation_statuses(orders_engine) == ["committed"]


async def test_a_sale_owed_past_the_hold_whose_stock_went_elsewhere_cancels_and_refunds_the_order(
    rig: RigFactory,
    shop: Shop,
    tokens: Tokens,
    orders_engine: AsyncEngine,
    products_settings: ProductsSettings,
) -> None:
    mug = await shop.product("OUT-10", stock=2)
    async with rig(hold_payments=True, breaker_failure_threshold=10) as r:
        checkout = asyncio.create_task(placed(r.gql, tokens.customer, (mug, 2)))
        await wait_for_reservation(orders_engine)
        await r.products.stop_async()
        r.payment_gate.set()
        order = await checkout
        assert await expire_held_stock(orders_engine, r.redis, products_settings) == 1
        (await shop.gql.execute(TAKE_STOCK, {"id": mug["id"], "d": -2}, token=tokens.admin)).ok()
        await r.products.start_async()
        await r.settle()
        after = (await r.gql.execute(ORDER, {"id": order["id"]}, token=tokens.customer)).ok()["order"]
        refunds = [entry for entry in r.own.payments.ledger if entry.kind == "refund"]

    assert (after["status"], after["payment"]["status"]) == ("CANCELLED", "REFUNDED")
    assert after["history"][-1]["note"] == "stock no longer available"
    assert [str(entry.order_id) for entry in refunds] == [order["id"]]
    assert await shop.stock_of(mug) == {"onHand": 0, "reserved": 0, "available": 0}  # nothing oversold
    assert await stock_task(orders_engine, order["id"]) is None  # the release it was left owing is done
