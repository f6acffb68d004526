"""The router's entity cache, on by default, never serves a write stale: an admin's mutation through
the router is dropped from it before the router answers, and a change made past the router (straight
at a subgraph) once the subgraph's domain event reached the router's invalidation API.

The stack is one of its own, on a database of its own, with its subgraphs relaying their outboxes to
their consumers (the shared stack does not relay: the events tests relay the shared database)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from subgraphs.common.signing import SigningKey
from testbed.database import scratch_database
from tests.e2e.storefront import Session, Storefront
from tests.support.graphql import GraphQLClient
from tests.support.services import ServiceUrls
from tests.support.stack import Stack, running_stack

PRODUCT = "query($id: ID!) { product(id: $id) { name price } }"
UPDATE_PRICE = (
    "mutation($id: ID!, $price: Decimal!) { updateProduct(id: $id, input: {price: $price}) { price } }"
)
CONSUMED = text(
    "SELECT count(*) FROM products.processed_events AS processed"
    " JOIN products.event_outbox AS outbox ON outbox.id = processed.event_id"
    " WHERE processed.consumer = 'router-cache' AND outbox.aggregate_id = :product AND outbox.type = :type"
)


@pytest.fixture(scope="module")
def relaying_namespace(cache_namespace: str) -> str:
    return f"{cache_namespace}-relaying-{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="module")
async def relaying_database(services: ServiceUrls) -> AsyncIterator[str]:
    async with scratch_database(services.database_url) as url:
        yield url


@pytest.fixture(scope="module")
def relaying_stack(
    relaying_database: str,
    services: ServiceUrls,
    relaying_namespace: str,
    signing_key: SigningKey,
    service_key: SigningKey,
) -> Iterator[Stack]:
    with running_stack(
        database_url=relaying_database,
        redis_url=services.redis_url,
        namespace=relaying_namespace,
        key=signing_key,
        service_key=service_key,
        relay_events=True,
    ) as running:
        yield running


@pytest.fixture
async def router(relaying_stack: Stack) -> AsyncIterator[GraphQLClient]:
    async with httpx.AsyncClient(base_url=relaying_stack.urls["router"], timeout=30) as client:
        yield GraphQLClient(client)


@pytest.fixture
async def products_subgraph(relaying_stack: Stack) -> AsyncIterator[GraphQLClient]:
    async with httpx.AsyncClient(base_url=relaying_stack.urls["products"], timeout=30) as client:
        yield GraphQLClient(client)


@pytest.fixture
def shop(router: GraphQLClient) -> Storefront:
    return Storefront(router)


@pytest.fixture
async def admin(shop: Storefront) -> Session:
    return await shop.admin()


async def cached_root_entries(redis: Redis, namespace: str) -> int:
    return len([key async for key in redis.scan_iter(match=f"{namespace}:entity-cache:r:products:*")])


async def price_read_anonymously(router: GraphQLClient, product_id: str) -> str:
    price: str = (await router.execute(PRODUCT, {"id": product_id})).ok()["product"]["price"]
    return price


async def until_consumed(database_url: str, product_id: str, event_type: str) -> None:
    """Wait until the products subgraph's `router-cache` consumer handled the product's event (the
    router confirmed the invalidation before it was marked)."""
    engine = create_async_engine(database_url)
    try:
        for _ in range(400):
            async with engine.connect() as connection:
                found = (
                    await connection.execute(CONSUMED, {"product": product_id, "type": event_type})
                ).scalar()
            if found:
                return
            await asyncio.sleep(0.05)
    finally:
        await engine.dispose()
    raise AssertionError(f"the router-cache consumer never handled {event_type} of {product_id}")


async def created(shop: Storefront, admin: Session, database_url: str, name: str, price: str) -> str:
    """A new product's id, once the invalidations of its creation's events are done (so they cannot
    drop what a test caches next)."""
    product = await shop.product(admin, name, price=price)
    for event_type in ("product.created", "stock.changed"):
        await until_consumed(database_url, product["id"], event_type)
    product_id: str = product["id"]
    return product_id


async def test_an_admins_update_through_the_router_shows_on_the_next_read_although_it_was_cached(
    router: GraphQLClient,
    shop: Storefront,
    admin: Session,
    redis: Redis,
    relaying_namespace: str,
    relaying_database: str,
) -> None:
    product_id = await created(shop, admin, relaying_database, "A Cached Lamp", "10.00")
    before = await cached_root_entries(redis, relaying_namespace)
    assert await price_read_anonymously(router, product_id) == "10.00"
    assert await cached_root_entries(redis, relaying_namespace) == before + 1

    updated = await router.execute(
        UPDATE_PRICE, {"id": product_id, "price": "12.50"}, token=admin.access_token
    )

    assert updated.ok()["updateProduct"] == {"price": "12.50"}
    assert await price_read_anonymously(router, product_id) == "12.50"


async def test_a_change_made_past_the_router_shows_once_its_event_reached_the_router(
    router: GraphQLClient,
    products_subgraph: GraphQLClient,
    shop: Storefront,
    admin: Session,
    redis: Redis,
    relaying_namespace: str,
    relaying_database: str,
) -> None:
    product_id = await created(shop, admin, relaying_database, "A Cached Chair", "20.00")
    before = await cached_root_entries(redis, relaying_namespace)
    assert await price_read_anonymously(router, product_id) == "20.00"
    assert await cached_root_entries(redis, relaying_namespace) == before + 1

    updated = await products_subgraph.execute(
        UPDATE_PRICE, {"id": product_id, "price": "21.00"}, token=admin.access_token
    )
    assert updated.ok()["updateProduct"] == {"price": "21.00"}
    await until_consumed(relaying_database, product_id, "product.updated")

    assert await price_read_anonymously(router, product_id) == "21.00"
