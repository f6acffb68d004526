"""A storefront page of orders with their customers and products costs a fixed number of SQL statements
in each subgraph, whatever the page size; with a warm cache, users and products run none for it.

The statements are counted by each subgraph process itself (`/metrics`), so the router's batching and
the subgraphs' Redis-backed loaders are measured together, over real HTTP.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from redis.asyncio import Redis

from tests.e2e.storefront import Session, Storefront
from tests.support.graphql import GraphQLClient
from tests.support.stack import Stack

PAGE = """
query($first: Int!) {
  orders(first: $first) {
    edges { node { number total customer { firstName lastName } items { quantity product { name price } } } }
  }
}
"""
SUBGRAPHS = ("users", "products", "orders")


async def sql_statements(stack: Stack) -> dict[str, float]:
    counts = {}
    async with httpx.AsyncClient(timeout=10) as client:
        for name in SUBGRAPHS:
            text = (await client.get(f"{stack.urls[name]}/metrics")).text
            line = next(line for line in text.splitlines() if line.startswith("gocart_sql_statements_total"))
            counts[name] = float(line.split()[-1])
    return counts


async def cost_of(router: GraphQLClient, stack: Stack, admin: Session, first: int) -> dict[str, float]:
    """SQL statements per subgraph for one page of `first` orders."""
    before = await sql_statements(stack)
    page = (await router.execute(PAGE, {"first": first}, token=admin.access_token)).ok()["orders"]["edges"]
    after = await sql_statements(stack)
    assert len(page) == first
    return {name: after[name] - before[name] for name in SUBGRAPHS}


async def forget_entities(redis: Redis, namespace: str) -> None:
    for pattern in (f"{namespace}:products:product:*", f"{namespace}:users:user:*", f"{namespace}:orders:*"):
        keys = [key async for key in redis.scan_iter(match=pattern)]
        if keys:
            await redis.delete(*keys)


@pytest.fixture(scope="module")
async def fifty_orders(stack: Stack) -> AsyncIterator[Session]:
    """Fifty paid orders by ten customers over twenty products, and the admin who lists them."""
    async with httpx.AsyncClient(base_url=stack.urls["router"], timeout=30) as client:
        shop = Storefront(GraphQLClient(client))
        admin = await shop.admin()
        products = [await shop.product(admin, f"Item {n}", stock=100) for n in range(20)]
        customers = [await shop.customer() for _ in range(10)]
        for n in range(50):
            lines = ((products[n % 20], 1), (products[(n * 7 + 3) % 20], 2))
            (await shop.place_order(customers[n % 10], *lines)).ok()
        yield admin


async def cold_cost_of(
    router: GraphQLClient, stack: Stack, admin: Session, first: int, redis: Redis, namespace: str
) -> dict[str, float]:
    """The SQL of one page on cold caches: the least of three measures, since the orders subgraph's
    background worker (its stock-task pass every few seconds) can only add statements to a measure."""
    measures = []
    for _ in range(3):
        await forget_entities(redis, namespace)
        measures.append(await cost_of(router, stack, admin, first))
    return {name: min(measure[name] for measure in measures) for name in SUBGRAPHS}


async def test_a_page_of_orders_costs_the_same_sql_for_5_as_for_50(
    router: GraphQLClient, stack: Stack, fifty_orders: Session, redis: Redis, cache_namespace: str
) -> None:
    five = await cold_cost_of(router, stack, fifty_orders, 5, redis, cache_namespace)
    fifty = await cold_cost_of(router, stack, fifty_orders, 50, redis, cache_namespace)

    assert five == fifty
    assert all(count <= 4 for count in fifty.values()), fifty


async def test_a_warm_cache_costs_users_and_products_no_sql(
    router: GraphQLClient, stack: Stack, fifty_orders: Session
) -> None:
    await cost_of(router, stack, fifty_orders, 50)

    warm = await cost_of(router, stack, fifty_orders, 50)

    assert (warm["users"], warm["products"]) == (0, 0)


async def test_a_price_change_is_visible_on_the_next_read(
    router: GraphQLClient, stack: Stack, fifty_orders: Session
) -> None:
    page = (await router.execute(PAGE, {"first": 1}, token=fifty_orders.access_token)).ok()["orders"]["edges"]
    product_id_query = "{ orders(first: 1) { edges { node { items { product { id } } } } } }"
    first_product = (await router.execute(product_id_query, token=fifty_orders.access_token)).ok()
    product_id = first_product["orders"]["edges"][0]["node"]["items"][0]["product"]["id"]

    (
        await router.execute(
            'mutation($id: ID!) { updateProduct(id: $id, input: {price: "99.99"}) { price } }',
            {"id": product_id},
            token=fifty_orders.access_token,
        )
    ).ok()
    again = (await router.execute(PAGE, {"first": 1}, token=fifty_orders.access_token)).ok()["orders"][
        "edges"
    ]

    assert page[0]["node"]["items"][0]["product"]["price"] != "99.99"
    assert again[0]["node"]["items"][0]["product"]["price"] == "99.99"
