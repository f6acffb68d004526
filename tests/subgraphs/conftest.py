"""The subgraphs served in-process against the real PostgreSQL and Redis.

Shared by each subgraph's tests and by the tests of the common plumbing, which need real subgraphs.
"""

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
from subgraphs.orders.main import create_app as create_orders_app
from subgraphs.products.config import ProductsSettings
from subgraphs.products.main import create_app
from subgraphs.users.config import UsersSettings
from subgraphs.users.main import create_app as create_users_app
from tests.subgraphs.products.builders import Catalog
from tests.subgraphs.users.builders import BOOTSTRAP_ADMIN
from tests.support.graphql import GraphQLClient
from tests.support.redis_keys import forget_namespace
from tests.support.servers import ThreadServer
from tests.support.services import ServiceUrls
from tests.support.tables import empty_tables
from tests.support.tokens import AUDIENCE, ISSUER

PRODUCT_TABLES = (  # children before parents, as `empty_tables` deletes
    "products.stock_movements",
    "products.stock_reservation_lines",
    "products.stock_reservations",
    "products.products",
    "products.categories",
)


@pytest.fixture(scope="session")
def products_settings(
    database_url: str,
    redis: Redis,
    cache_namespace: str,
    signing_key: SigningKey,
    service_key: SigningKey,
    services: Any,
) -> ProductsSettings:
    return ProductsSettings(
        database_url=SecretStr(database_url),
        redis_url=SecretStr(services.redis_url),
        cache_namespace=cache_namespace,
        jwt_jwks=SecretStr(signing_key.jwks()),
        jwt_service_jwks=SecretStr(service_key.jwks()),
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        log_json=False,
        event_relay_interval_seconds=0,  # tests that need events run a relay of their own
        reservation_sweep_interval_seconds=0,  # the expiry tests run a pass of their own
    )


@pytest.fixture(scope="session")
async def products_app(products_settings: ProductsSettings) -> AsyncIterator[FastAPI]:
    app = create_app(products_settings)
    async with LifespanManager(app):
        yield app


@pytest.fixture(scope="session")
def products_resources(products_app: FastAPI) -> AppResources:
    resources: AppResources = products_app.state.resources
    return resources


@pytest.fixture(scope="session")
def products_engine(products_resources: AppResources) -> AsyncEngine:
    return products_resources.engine


@pytest.fixture
async def http(products_app: FastAPI, clean_products: None) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=products_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://products") as client:
        yield client


@pytest.fixture
def gql(http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(http)


@pytest.fixture
async def clean_products(products_app: FastAPI, redis: Redis, cache_namespace: str) -> None:
    """Each test starts from empty tables and an empty cache."""
    resources: AppResources = products_app.state.resources
    await empty_tables(resources.engine, PRODUCT_TABLES)
    await forget_namespace(redis, cache_namespace)


@pytest.fixture
def catalog(gql: GraphQLClient, tokens: Any) -> Catalog:
    return Catalog(gql, tokens)


# ---------------------------------------------------------------- users


@pytest.fixture(scope="session")
def users_settings(
    database_url: str,
    services: ServiceUrls,
    cache_namespace: str,
    signing_key: SigningKey,
    service_key: SigningKey,
) -> UsersSettings:
    return UsersSettings(
        database_url=SecretStr(database_url),
        redis_url=SecretStr(services.redis_url),
        cache_namespace=cache_namespace,
        jwt_private_key=SecretStr(signing_key.private_pem()),
        jwt_service_jwks=SecretStr(service_key.jwks()),
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        # Argon2id at its cheapest: the tests hash and verify hundreds of passwords, and the cost is a
        # setting, not behaviour (production keeps OWASP's, 65 ms a hash here).
        password_time_cost=1,
        password_memory_kib=64,
        login_failures_before_delay=3,
        login_first_delay_seconds=600,  # a test never outlives a delay: the real clock cannot matter
        login_max_failures_per_address=6,
        bootstrap_admin_email=BOOTSTRAP_ADMIN[0],
        bootstrap_admin_password=SecretStr(BOOTSTRAP_ADMIN[1]),
        log_json=False,
        event_relay_interval_seconds=0,
    )


@pytest.fixture(scope="session")
async def users_app(users_settings: UsersSettings) -> AsyncIterator[FastAPI]:
    app = create_users_app(users_settings)
    async with LifespanManager(app):
        yield app


@pytest.fixture
async def clean_users(users_app: FastAPI, redis: Redis, cache_namespace: str) -> None:
    """Each test starts with only the bootstrap admin, and no cache, throttle or revocation keys."""
    resources: AppResources = users_app.state.resources
    async with resources.engine.begin() as connection:
        await connection.execute(text("DELETE FROM users.refresh_tokens"))
        await connection.execute(
            text("DELETE FROM users.users WHERE email <> :email"), {"email": BOOTSTRAP_ADMIN[0]}
        )
        await connection.execute(text("UPDATE users.users SET role = 'admin', deleted_at = NULL"))
    await forget_namespace(redis, cache_namespace)
    users_app.state.login_throttle.local.clear()  # what it counted in process, had Redis been slow


@pytest.fixture(scope="session")
def users_resources(users_app: FastAPI) -> AppResources:
    resources: AppResources = users_app.state.resources
    return resources


@pytest.fixture(scope="session")
def users_engine(users_resources: AppResources) -> AsyncEngine:
    return users_resources.engine


# ---------------------------------------------------------------- orders

ORDER_TABLES = (
    "orders.stock_tasks",
    "orders.order_history",
    "orders.order_items",
    "orders.orders",
    "orders.webhook_deliveries",
    "orders.webhook_endpoints",
)


@pytest.fixture(scope="session")
def products_server(products_settings: ProductsSettings) -> Iterator[ThreadServer]:
    """The products subgraph over real HTTP, for the whole session."""
    server = ThreadServer(lambda: create_app(products_settings))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def make_orders_settings(
    database_url: str, services: Any, cache_namespace: str, signing_key: SigningKey, service_key: SigningKey
) -> Callable[..., OrdersSettings]:
    def make(products_url: str, **overrides: Any) -> OrdersSettings:
        values: dict[str, Any] = {
            "database_url": SecretStr(database_url),
            "redis_url": SecretStr(services.redis_url),
            "cache_namespace": cache_namespace,
            "jwt_jwks": SecretStr(signing_key.jwks()),
            "jwt_service_jwks": SecretStr(service_key.jwks()),
            "jwt_issuer": ISSUER,
            "jwt_audience": AUDIENCE,
            "log_json": False,
            "products_url": products_url,
            "products_timeout_seconds": 2.0,
            "products_retries": 1,
            "products_retry_backoff_seconds": 0.01,
            "breaker_failure_threshold": 3,
            "breaker_reset_seconds": 3600.0,
            "service_signing_key_pem": SecretStr(service_key.private_pem()),
            # Tests settle stock tasks themselves, so what is pending is never a race.
            "stock_task_interval_seconds": 0,
            "event_relay_interval_seconds": 0,  # likewise the outbox relay
            "webhook_interval_seconds": 0,  # and the webhook worker
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
async def clean_orders(orders_engine: AsyncEngine, redis: Redis, cache_namespace: str) -> None:
    """No orders and no products, and an empty cache."""
    await empty_tables(orders_engine, (*ORDER_TABLES, *PRODUCT_TABLES))
    await forget_namespace(redis, cache_namespace)
