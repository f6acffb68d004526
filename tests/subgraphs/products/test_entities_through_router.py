"""Through the router: a product reference the products subgraph refuses costs only its own field (the
error's path rewritten to the client's response), and the router's batches always fit the subgraph's cap.

The router runs in front of the real products subgraph (over HTTP) and a stand-in orders subgraph that
answers with the product references the test chose, as a faulty or stale orders subgraph might.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from router.config import RouterSettings, TrafficSettings
from router.server import create_app
from subgraphs.common.settings import SubgraphSettings
from tests.support.graphql import GraphQLClient, GraphQLResponse
from tests.support.servers import ThreadServer, serve

SUPERGRAPH = Path(__file__).resolve().parents[3] / "schema" / "supergraph.graphql"
ORDER = "query($id: ID!) { order(id: $id) { number items { productName product { name } } } }"


def stand_in_orders(product_ids: list[str]) -> FastAPI:
    """An orders subgraph whose one order has a line for each of `product_ids`."""
    app = FastAPI()

    @app.post("/graphql")
    async def graphql() -> dict[str, Any]:
        items = [
            {"productName": f"line {n}", "product": {"__typename": "Product", "id": product_id}}
            for n, product_id in enumerate(product_ids)
        ]
        return {"data": {"order": {"number": "GC-100001", "items": items}}}

    return app


@asynccontextmanager
async def router_in_front(products: ThreadServer, orders_url: str) -> AsyncIterator[GraphQLClient]:
    settings = RouterSettings(
        supergraph=SUPERGRAPH,
        subgraph_urls={"orders": orders_url, "products": products.graphql_url, "users": orders_url},
    )
    async with LifespanManager(create_app(settings)) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://router") as http:
            yield GraphQLClient(http)


async def order_through_router(products: ThreadServer, product_ids: list[str]) -> GraphQLResponse:
    async with (
        serve(stand_in_orders(product_ids)) as orders_url,
        router_in_front(products, f"{orders_url}/graphql") as router,
    ):
        return await router.execute(ORDER, {"id": "any"})


async def insert_products(engine: AsyncEngine, count: int) -> list[str]:
    async with engine.begin() as connection:
        rows = await connection.execute(
            text(
                "INSERT INTO products.products (id, sku, name, price, stock_on_hand) "
                "SELECT gen_random_uuid(), 'ROUTED-' || n, 'Routed ' || n, n, n "
                "FROM generate_series(1, :count) AS n RETURNING id, name"
            ),
            {"count": count},
        )
        by_name = {name: str(product_id) for product_id, name in rows}
    return [by_name[f"Routed {n}"] for n in range(1, count + 1)]


async def test_a_malformed_product_reference_nulls_only_its_own_product(
    products_server: ThreadServer, products_engine: AsyncEngine, clean_products: None
) -> None:
    first, second = await insert_products(products_engine, 2)

    response = await order_through_router(products_server, [first, "not-a-uuid", second])

    assert response.data == {
        "order": {
            "number": "GC-100001",
            "items": [
                {"productName": "line 0", "product": {"name": "Routed 1"}},
                {"productName": "line 1", "product": None},
                {"productName": "line 2", "product": {"name": "Routed 2"}},
            ],
        }
    }
    [error] = response.errors
    assert error["path"] == ["order", "items", 1, "product"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "id", "serviceName": "products"}


async def test_the_routers_batches_fit_the_subgraphs_cap(
    products_server: ThreadServer, products_engine: AsyncEngine, clean_products: None
) -> None:
    product_ids = await insert_products(products_engine, 150)  # the router sends 100, then 50

    response = await order_through_router(products_server, product_ids)

    names = [item["product"]["name"] for item in response.ok()["order"]["items"]]
    assert names == [f"Routed {n}" for n in range(1, 151)]


def test_the_subgraphs_default_cap_is_the_routers_default_batch() -> None:
    subgraph_cap = SubgraphSettings.model_fields["max_representations"].default
    assert subgraph_cap == TrafficSettings.model_fields["max_representations"].default
