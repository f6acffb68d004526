"""Reservations expire: the expiry worker gives back the stock of holds past their `expires_at` (once,
however many workers run), and an order settling a hold after that is sold the stock again if there is
enough, or refused OUT_OF_STOCK, never oversold."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.common.context import AppResources
from subgraphs.products.caches import ProductCaches
from subgraphs.products.config import ProductsSettings
from subgraphs.products.expiry import release_expired_once
from subgraphs.products.main import create_app
from subgraphs.products.models import EVENTS, StockReservation
from tests.subgraphs.products.builders import Catalog
from tests.subgraphs.products.test_events import events_of
from tests.subgraphs.products.test_stock import COMMIT, LEDGER, RELEASE, new_order, reserve, stock_of
from tests.support.event_schemas import check_against_schema
from tests.support.graphql import GraphQLClient
from tests.support.tokens import Tokens

pytestmark = pytest.mark.slow  # reservations are left to expire

RESERVATIONS = StockReservation.__table__  # type: ignore[attr-defined]


def caches(resources: AppResources) -> ProductCaches:
    return ProductCaches.create(resources.redis, resources.settings)


async def expire(engine: AsyncEngine, order_id: str) -> None:
    """Move the reservation's expiry into the past (instead of waiting for it)."""
    async with engine.begin() as connection:
        await connection.execute(
            update(RESERVATIONS)
            .where(RESERVATIONS.c.order_id == uuid.UUID(order_id))
            .values(expires_at=func.now() - timedelta(minutes=1))
        )


async def status_of(engine: AsyncEngine, order_id: str) -> str:
    async with engine.connect() as connection:
        status: str = (
            await connection.execute(
                select(RESERVATIONS.c.status).where(RESERVATIONS.c.order_id == uuid.UUID(order_id))
            )
        ).scalar_one()
        return status


async def ledger_of(gql: GraphQLClient, tokens: Tokens, product: dict[str, Any]) -> list[dict[str, Any]]:
    movements: list[dict[str, Any]] = (
        await gql.execute(LEDGER, {"id": product["id"]}, token=tokens.admin)
    ).ok()["stockMovements"]
    return movements


async def test_a_reservation_holds_for_the_configured_time(
    gql: GraphQLClient,
    catalog: Catalog,
    tokens: Tokens,
    products_engine: AsyncEngine,
    products_settings: ProductsSettings,
) -> None:
    product = await catalog.product("EXP-0", stock=5)
    order_id = new_order()
    (await reserve(gql, tokens, order_id, (product, 1))).ok()

    async with products_engine.connect() as connection:
        hold = (
            await connection.execute(
                select(RESERVATIONS.c.expires_at - RESERVATIONS.c.created_at).where(
                    RESERVATIONS.c.order_id == uuid.UUID(order_id)
                )
            )
        ).scalar_one()

    assert hold == timedelta(seconds=products_settings.reservation_ttl_seconds)


async def test_an_expired_reservation_gives_its_stock_back_and_says_so_in_an_event(
    gql: GraphQLClient,
    catalog: Catalog,
    tokens: Tokens,
    products_engine: AsyncEngine,
    products_resources: AppResources,
) -> None:
    product = await catalog.product("EXP-1", stock=5)
    order_id = new_order()
    (await reserve(gql, tokens, order_id, (product, 2))).ok()
    await expire(products_engine, order_id)

    released = await release_expired_once(
        sessions=products_resources.sessions, caches=caches(products_resources), limit=10
    )

    assert released == 1
    assert await stock_of(gql, tokens, product) == {"onHand": 5, "reserved": 0, "available": 5}
    assert await status_of(products_engine, order_id) == "expired"
    assert (await ledger_of(gql, tokens, product))[0] == {
        "kind": "RELEASE",
        "onHandDelta": 0,
        "reservedDelta": -2,
        "reason": "",
        "orderId": order_id,
    }
    last = (await events_of(products_engine, product))[-1]
    assert (last.type, last.data["kind"], last.data["reserved_delta"], last.data["available"]) == (
        "stock.changed",
        "release",
        -2,
        5,
    )
    assert last.data["order_id"] == order_id
    check_against_schema(last)


async def test_a_reservation_that_has_not_expired_is_left_alone(
    gql: GraphQLClient,
    catalog: Catalog,
    tokens: Tokens,
    products_engine: AsyncEngine,
    products_resources: AppResources,
) -> None:
    product = await catalog.product("EXP-2", stock=5)
    order_id = new_order()
    (await reserve(gql, tokens, order_id, (product, 2))).ok()

    released = await release_expired_once(
        sessions=products_resources.sessions, caches=caches(products_resources), limit=10
    )

    assert released == 0
    assert await stock_of(gql, tokens, product) == {"onHand": 5, "reserved": 2, "available": 3}
    assert await status_of(products_engine, order_id) == "reserved"


async def test_two_workers_at_once_release_each_expired_reservation_once(
    gql: GraphQLClient,
    catalog: Catalog,
    tokens: Tokens,
    products_engine: AsyncEngine,
    products_resources: AppResources,
) -> None:
    product = await catalog.product("EXP-3", stock=20)
    orders = [new_order() for _ in range(8)]
    for order_id in orders:
        (await reserve(gql, tokens, order_id, (product, 2))).ok()
        await expire(products_engine, order_id)

    counts = await asyncio.gather(
        release_expired_once(
            sessions=products_resources.sessions, caches=caches(products_resources), limit=100
        ),
        release_expired_once(
            sessions=products_resources.sessions, caches=caches(products_resources), limit=100
        ),
    )

    assert sum(counts) == len(orders)
    assert await stock_of(gql, tokens, product) == {"onHand": 20, "reserved": 0, "available": 20}
    releases = [m for m in await ledger_of(gql, tokens, product) if m["kind"] == "RELEASE"]
    assert sorted(m["orderId"] for m in releases) == sorted(orders)
    outbox = EVENTS.outbox
    async with products_engine.connect() as connection:
        released_events = (
            await connection.execute(
                select(func.count())
                .select_from(outbox)
                .where(outbox.c.aggregate_id == product["id"], text("data->>'kind' = 'release'"))
            )
        ).scalar_one()
    assert released_events == len(orders)


async def test_a_reservation_past_its_expiry_that_the_worker_has_not_released_still_commits(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens, products_engine: AsyncEngine
) -> None:
    product = await catalog.product("EXP-4", stock=5)
    order_id = new_order()
    (await reserve(gql, tokens, order_id, (product, 2))).ok()
    await expire(products_engine, order_id)

    result = await gql.execute(COMMIT, {"order": order_id}, token=tokens.service)

    assert result.ok()["commitStock"]["status"] == "COMMITTED"
    assert await stock_of(gql, tokens, product) == {"onHand": 3, "reserved": 0, "available": 3}


async def test_committing_an_expired_reservation_sells_the_stock_again_when_there_is_enough(
    gql: GraphQLClient,
    catalog: Catalog,
    tokens: Tokens,
    products_engine: AsyncEngine,
    products_resources: AppResources,
) -> None:
    product = await catalog.product("EXP-5", stock=5)
    order_id = new_order()
    (await reserve(gql, tokens, order_id, (product, 2))).ok()
    await expire(products_engine, order_id)
    await release_expired_once(
        sessions=products_resources.sessions, caches=caches(products_resources), limit=10
    )

    result = await gql.execute(COMMIT, {"order": order_id}, token=tokens.service)

    assert result.ok()["commitStock"]["status"] == "COMMITTED"
    assert await stock_of(gql, tokens, product) == {"onHand": 3, "reserved": 0, "available": 3}
    assert (await ledger_of(gql, tokens, product))[0] == {
        "kind": "SALE",
        "onHandDelta": -2,
        "reservedDelta": 0,
        "reason": "sold after its reservation expired",
        "orderId": order_id,
    }


async def test_committing_an_expired_reservation_whose_stock_went_elsewhere_is_out_of_stock(
    gql: GraphQLClient,
    catalog: Catalog,
    tokens: Tokens,
    products_engine: AsyncEngine,
    products_resources: AppResources,
) -> None:
    product = await catalog.product("EXP-6", stock=2)
    order_id = new_order()
    (await reserve(gql, tokens, order_id, (product, 2))).ok()
    await expire(products_engine, order_id)
    await release_expired_once(
        sessions=products_resources.sessions, caches=caches(products_resources), limit=10
    )
    (await reserve(gql, tokens, new_order(), (product, 2))).ok()  # another checkout took it

    result = await gql.execute(COMMIT, {"order": order_id}, token=tokens.service)

    assert result.codes == ["OUT_OF_STOCK"]
    assert await stock_of(gql, tokens, product) == {"onHand": 2, "reserved": 2, "available": 0}
    assert await status_of(products_engine, order_id) == "expired"
    assert "SALE" not in [movement["kind"] for movement in await ledger_of(gql, tokens, product)]


async def test_releasing_an_expired_reservation_changes_nothing(
    gql: GraphQLClient,
    catalog: Catalog,
    tokens: Tokens,
    products_engine: AsyncEngine,
    products_resources: AppResources,
) -> None:
    product = await catalog.product("EXP-7", stock=5)
    order_id = new_order()
    (await reserve(gql, tokens, order_id, (product, 2))).ok()
    await expire(products_engine, order_id)
    await release_expired_once(
        sessions=products_resources.sessions, caches=caches(products_resources), limit=10
    )

    result = await gql.execute(RELEASE, {"order": order_id}, token=tokens.service)

    assert result.ok()["releaseStock"]["status"] == "EXPIRED"
    assert await stock_of(gql, tokens, product) == {"onHand": 5, "reserved": 0, "available": 5}


async def test_a_products_app_runs_the_expiry_worker_while_it_runs(
    gql: GraphQLClient,
    catalog: Catalog,
    tokens: Tokens,
    products_engine: AsyncEngine,
    products_settings: ProductsSettings,
) -> None:
    product = await catalog.product("EXP-8", stock=5)
    order_id = new_order()
    (await reserve(gql, tokens, order_id, (product, 2))).ok()
    await expire(products_engine, order_id)
    settings = products_settings.model_copy(
        update={"reservation_sweep_interval_seconds": 0.05, "migrate_on_startup": False}
    )

    # Startup and shutdown connect and close the app's consumers (RabbitMQ) and workers: under load
    # more than the default 5 s.
    async with LifespanManager(create_app(settings), startup_timeout=30, shutdown_timeout=30):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 20
        while True:
            status = await status_of(products_engine, order_id)
            if status == "expired" or loop.time() > deadline:
                break
            await asyncio.sleep(0.05)

    assert status == "expired"
    assert await stock_of(gql, tokens, product) == {"onHand": 5, "reserved": 0, "available": 5}
