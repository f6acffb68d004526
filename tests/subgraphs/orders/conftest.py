"""The orders subgraph in-process, and the products subgraph REALLY running over HTTP beside it,
both against the real PostgreSQL and Redis of the test session."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from pydantic import SecretStr
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.common.context import AppResources
from subgraphs.common.signing import SigningKey
from subgraphs.orders.config import OrdersSettings
from subgraphs.orders.context import OrdersResources
from subgraphs.orders.main import create_app as create_orders_app
from subgraphs.products.config import ProductsSettings
from subgraphs.products.main import create_app as create_products_app
from tests.conftest import AUDIENCE, ISSUER, Tokens
from tests.subgraphs.conftest import TABLES as PRODUCT_TABLES
from tests.subgraphs.orders.servers import ThreadServer
from tests.subgraphs.orders.shop import Shop
from tests.support.graphql import GraphQLClient

ORDER_TABLES = "orders.stock_tasks, orders.order_history, orders.order_items, orders.orders"


@pytest.fixture(scope="session")
def products_server(products_settings: ProductsSettings) -> Iterator[ThreadServer]:
    """The products subgraph over real HTTP, for the whole session."""
    server = ThreadServer(lambda: create_products_app(products_settings))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def make_orders_settings(
    database_url: str, services: Any, cache_namespace: str, signing_key: SigningKey
) -> Callable[..., OrdersSettings]:
    def make(products_url: str, **overrides: Any) -> OrdersSettings:
        values: dict[str, Any] = {
            "database_url": SecretStr(database_url),
            "redis_url": SecretStr(services.redis_url),
            "cache_namespace": cache_namespace,
            "jwt_jwks": SecretStr(signing_key.jwks()),
            "jwt_issuer": ISSUER,
            "jwt_audience": AUDIENCE,
            "log_json": False,
            "products_url": products_url,
            "products_timeout_seconds": 2.0,
            "products_retries": 1,
            "products_retry_backoff_seconds": 0.01,
            "breaker_failure_threshold": 3,
            "breaker_reset_seconds": 3600.0,
            "service_signing_key_pem": SecretStr(signing_key.private_pem()),
            "service_signing_kid": signing_key.kid,
            # Tests settle stock tasks themselves, so what is pending is never a race.
            "stock_task_interval_seconds": 0,
            **overrides,
        }
        return OrdersSettings(**values)

    return make


@pytest.fixture(scope="session")
async def orders_app(
    products_server: ThreadServer, make_orders_settings: Callable[..., OrdersSettings]
) -> AsyncIterator[FastAPI]:
    app = create_orders_app(make_orders_settings(products_server.graphql_url))
    async with LifespanManager(app):
        yield app


@pytest.fixture(scope="session")
def orders_resources(orders_app: FastAPI) -> AppResources:
    resources: AppResources = orders_app.state.resources
    return resources


@pytest.fixture(scope="session")
def orders_engine(orders_resources: AppResources) -> AsyncEngine:
    return orders_resources.engine


@pytest.fixture
def own(orders_app: FastAPI) -> OrdersResources:
    """The orders app's own resources: its products client and its payment simulator's ledger."""
    resources: OrdersResources = orders_app.state.orders
    return resources


@pytest.fixture
async def clean_shop(
    orders_engine: AsyncEngine, redis: Redis, cache_namespace: str, own: OrdersResources
) -> None:
    """Each test starts with no orders, no products, an empty cache and a fresh payment ledger."""
    async with orders_engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {ORDER_TABLES}, {PRODUCT_TABLES} CASCADE"))
    keys = [key async for key in redis.scan_iter(match=f"{cache_namespace}:*")]
    if keys:
        await redis.delete(*keys)
    own.payments.ledger.clear()
    own.products.breaker.record_success()


@pytest.fixture
async def gql(orders_app: FastAPI, clean_shop: None) -> AsyncIterator[GraphQLClient]:
    transport = httpx.ASGITransport(app=orders_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://orders") as client:
        yield GraphQLClient(client)


@pytest.fixture
async def shop(products_server: ThreadServer, tokens: Tokens, clean_shop: None) -> AsyncIterator[Shop]:
    async with httpx.AsyncClient(base_url=products_server.base_url, timeout=30) as client:
        yield Shop(GraphQLClient(client), tokens)
