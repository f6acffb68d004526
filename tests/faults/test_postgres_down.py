"""PostgreSQL down: every database path answers UNAVAILABLE (REST 503 with Retry-After), never a masked
INTERNAL_SERVER_ERROR; `/ready` says so while `/health` stays up; and once PostgreSQL is back the same
requests succeed without restarting anything, the orders worker included.

The subgraphs, the router and the REST layer run in this process over real HTTP, on a PostgreSQL of
this module's own that the tests stop and start (the shared one is never touched). The server and
the apps on it are started once for the module, which is itself part of what is tested: every test
finds apps that have already been through earlier outages. Each test leaves PostgreSQL running.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from gocart.compose import SUPERGRAPH
from rest_compat.app import create_app as create_rest_app
from rest_compat.config import RestSettings
from router.config import RouterSettings
from router.server.app import create_app as create_router_app
from subgraphs.common.context import AppResources
from subgraphs.common.db import RequestSession, create_session_factory
from subgraphs.common.db_outage import (
    DATABASE_UNAVAILABLE_MESSAGE,
    DatabaseUnavailableError,
    is_database_outage,
)
from subgraphs.common.signing import SigningKey
from subgraphs.orders import repository as orders_repository
from subgraphs.orders import worker
from subgraphs.orders.config import OrdersSettings
from subgraphs.orders.main import create_app as create_orders_app
from subgraphs.orders.models import StockAction
from subgraphs.products.config import ProductsSettings
from subgraphs.products.main import create_app as create_products_app
from subgraphs.users.config import UsersSettings
from subgraphs.users.main import JWKS_PATH
from subgraphs.users.main import create_app as create_users_app
from tests.faults.servers import OwnPostgres
from tests.subgraphs.orders.shop import place, stock_task
from tests.subgraphs.products.builders import Catalog
from tests.subgraphs.users.builders import BOOTSTRAP_ADMIN
from tests.support.graphql import GraphQLClient, GraphQLResponse
from tests.support.servers import serve
from tests.support.services import ServiceUrls
from tests.support.tokens import AUDIENCE, ISSUER, Tokens

PRODUCTS = "{ products(first: 5) { edges { node { id name } } } }"
CREATE_CATEGORY = "mutation($name: String!) { createCategory(input: {name: $name}) { id name } }"
PRODUCT_ENTITIES = """
query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { id } } }
"""
LOGIN = "mutation($email: String!, $password: String!) { login(input: {email: $email, password: $password}) { accessToken } }"
USER = "query($id: ID!) { user(id: $id) { id email } }"
ORDERS = "{ orders(first: 5) { edges { node { id } } } }"
UNAVAILABLE = {"code": "UNAVAILABLE", "reason": "database"}
RETRY_AFTER_DEFAULT = "5"
WORKER_INTERVAL_SECONDS = 0.05
SETTLE_DEADLINE_SECONDS = 30.0  # a bound on waiting, so that a broken worker fails the test, not hangs it


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnPostgres]:
    """This module's own PostgreSQL, like the faults conftest's `own_postgres` but for the whole module."""
    folder: Path = tmp_path_factory.mktemp("postgres-down") / "data"
    server = OwnPostgres(folder)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(autouse=True)
def postgres_left_running(postgres: OwnPostgres) -> Iterator[None]:
    yield
    postgres.start()


@pytest.fixture(scope="module")
def common_settings(
    postgres: OwnPostgres,
    services: ServiceUrls,
    cache_namespace: str,
    signing_key: SigningKey,
    service_key: SigningKey,
) -> dict[str, Any]:
    return {
        "database_url": SecretStr(postgres.url),
        "redis_url": SecretStr(services.redis_url),
        "cache_namespace": f"{cache_namespace}-postgres-down",
        "jwt_jwks": SecretStr(signing_key.jwks()),
        "jwt_service_jwks": SecretStr(service_key.jwks()),  # orders' own key, trusted for `service` only
        "jwt_issuer": ISSUER,
        "jwt_audience": AUDIENCE,
        "log_json": False,
        # Every test here restarts PostgreSQL under apps that keep running. By default a connection used
        # less than DB_PING_IDLE_SECONDS ago is not pinged, so the first request on one that died with
        # the restart answers UNAVAILABLE (docs/operations.md, "PostgreSQL down"); pinging on every
        # checkout keeps one test's restart out of the next test's first request.
        "db_ping_idle_seconds": 0,
    }


class Served:
    """A subgraph app served over HTTP: its URL and its app (for its engine)."""

    def __init__(self, app: FastAPI, url: str) -> None:
        self.app = app
        self.url = url

    @property
    def engine(self) -> AsyncEngine:
        resources: AppResources = self.app.state.resources
        return resources.engine


@pytest.fixture(scope="module")
async def products(common_settings: dict[str, Any]) -> AsyncIterator[Served]:
    app = create_products_app(ProductsSettings(**common_settings))
    async with serve(app) as url:
        yield Served(app, url)


@pytest.fixture(scope="module")
async def users(common_settings: dict[str, Any], signing_key: SigningKey) -> AsyncIterator[Served]:
    settings = UsersSettings(
        **common_settings,
        jwt_private_key=SecretStr(signing_key.private_pem()),
        bootstrap_admin_email=BOOTSTRAP_ADMIN[0],
        bootstrap_admin_password=SecretStr(BOOTSTRAP_ADMIN[1]),
        login_max_failures_per_address=1000,
    )
    app = create_users_app(settings)
    async with serve(app) as url:
        yield Served(app, url)


@pytest.fixture(scope="module")
async def orders(
    common_settings: dict[str, Any], products: Served, service_key: SigningKey
) -> AsyncIterator[Served]:
    """Orders with its stock-task worker on, passing often, so that it lives through the outages."""
    settings = OrdersSettings(
        **common_settings,
        products_url=f"{products.url}/graphql",
        products_retries=0,
        service_signing_key_pem=SecretStr(service_key.private_pem()),
        service_signing_kid=service_key.kid,
        breaker_failure_threshold=1000,
        stock_task_interval_seconds=WORKER_INTERVAL_SECONDS,
    )
    app = create_orders_app(settings)
    async with serve(app) as url:
        yield Served(app, url)


@pytest.fixture(scope="module")
async def router_url(products: Served, users: Served, orders: Served) -> AsyncIterator[str]:
    settings = RouterSettings(
        supergraph=SUPERGRAPH,
        subgraph_urls={
            "products": f"{products.url}/graphql",
            "users": f"{users.url}/graphql",
            "orders": f"{orders.url}/graphql",
        },
        jwt_jwks_url=f"{users.url}{JWKS_PATH}",
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
    )
    async with serve(create_router_app(settings)) as url:  # type: ignore[arg-type]
        yield url


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


def graphql_at(http: httpx.AsyncClient, served: Served | str) -> GraphQLClient:
    base = served.url if isinstance(served, Served) else served
    return GraphQLClient(http, f"{base}/graphql")


@pytest.fixture
async def rest(router_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_rest_app(RestSettings(router_url=f"{router_url}/graphql"))
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://rest") as client,
    ):
        yield client


def assert_unavailable(result: GraphQLResponse) -> None:
    assert result.errors, "expected an error"
    assert [error["extensions"] for error in result.errors] == [UNAVAILABLE] * len(result.errors)
    assert {error["message"] for error in result.errors} == {DATABASE_UNAVAILABLE_MESSAGE}


# ---------------------------------------------------------------- products


async def test_a_products_query_answers_unavailable_while_postgres_is_down(
    http: httpx.AsyncClient, products: Served, postgres: OwnPostgres
) -> None:
    gql = graphql_at(http, products)
    (await gql.execute(PRODUCTS)).ok()  # a pooled connection that the outage will break
    postgres.stop()

    result = await gql.execute(PRODUCTS)

    assert result.status == 200
    assert result.data is None
    assert_unavailable(result)


async def test_a_products_mutation_answers_unavailable_while_postgres_is_down(
    http: httpx.AsyncClient, products: Served, postgres: OwnPostgres, tokens: Tokens
) -> None:
    postgres.stop()

    result = await graphql_at(http, products).execute(CREATE_CATEGORY, {"name": "Kites"}, token=tokens.admin)

    assert_unavailable(result)


async def test_each_product_entity_answers_unavailable_while_postgres_is_down(
    http: httpx.AsyncClient, products: Served, postgres: OwnPostgres
) -> None:
    representations = [{"__typename": "Product", "id": str(uuid.uuid4())} for _ in range(2)]
    postgres.stop()

    result = await graphql_at(http, products).execute(PRODUCT_ENTITIES, {"representations": representations})

    assert result.data == {"_entities": [None, None]}
    assert [error["path"] for error in result.errors] == [["_entities", 0], ["_entities", 1]]
    assert_unavailable(result)


async def test_products_answers_the_same_requests_once_postgres_is_back_without_a_restart(
    http: httpx.AsyncClient, products: Served, postgres: OwnPostgres, tokens: Tokens
) -> None:
    gql = graphql_at(http, products)
    postgres.stop()
    assert_unavailable(await gql.execute(PRODUCTS))
    assert_unavailable(await gql.execute(CREATE_CATEGORY, {"name": "Kites"}, token=tokens.admin))
    postgres.start()

    category = await gql.execute(CREATE_CATEGORY, {"name": "Kites"}, token=tokens.admin)
    created = await Catalog(gql, tokens).product(f"KITE-{uuid.uuid4().hex[:8]}")
    listing = await gql.execute(PRODUCTS)

    assert category.ok()["createCategory"]["name"] == "Kites"
    assert created["id"] in [edge["node"]["id"] for edge in listing.ok()["products"]["edges"]]


# ---------------------------------------------------------------- users


async def test_signing_in_answers_unavailable_while_postgres_is_down(
    http: httpx.AsyncClient, users: Served, postgres: OwnPostgres
) -> None:
    postgres.stop()

    result = await graphql_at(http, users).execute(
        LOGIN, {"email": BOOTSTRAP_ADMIN[0], "password": BOOTSTRAP_ADMIN[1]}
    )

    assert_unavailable(result)


async def test_a_users_query_answers_unavailable_while_postgres_is_down(
    http: httpx.AsyncClient, users: Served, postgres: OwnPostgres, tokens: Tokens
) -> None:
    postgres.stop()

    result = await graphql_at(http, users).execute(USER, {"id": str(uuid.uuid4())}, token=tokens.admin)

    assert_unavailable(result)


async def test_signing_in_works_again_once_postgres_is_back_without_a_restart(
    http: httpx.AsyncClient, users: Served, postgres: OwnPostgres
) -> None:
    gql = graphql_at(http, users)
    credentials = {"email": BOOTSTRAP_ADMIN[0], "password": BOOTSTRAP_ADMIN[1]}
    postgres.stop()
    assert_unavailable(await gql.execute(LOGIN, credentials))
    postgres.start()

    result = await gql.execute(LOGIN, credentials)

    assert result.ok()["login"]["accessToken"]


# ---------------------------------------------------------------- orders


@pytest.fixture
async def product(http: httpx.AsyncClient, products: Served, tokens: Tokens) -> dict[str, Any]:
    catalog = Catalog(graphql_at(http, products), tokens)
    return await catalog.product(f"KITE-{uuid.uuid4().hex[:8]}", stock=5)


async def test_placing_an_order_answers_unavailable_while_postgres_is_down(
    http: httpx.AsyncClient, orders: Served, postgres: OwnPostgres, tokens: Tokens, product: dict[str, Any]
) -> None:
    postgres.stop()

    result = await place(graphql_at(http, orders), tokens.customer, (product, 1))

    assert_unavailable(result)


async def test_an_orders_query_answers_unavailable_while_postgres_is_down(
    http: httpx.AsyncClient, orders: Served, postgres: OwnPostgres, tokens: Tokens
) -> None:
    postgres.stop()

    result = await graphql_at(http, orders).execute(ORDERS, token=tokens.admin)

    assert_unavailable(result)


async def test_placing_an_order_works_again_once_postgres_is_back_without_a_restart(
    http: httpx.AsyncClient, orders: Served, postgres: OwnPostgres, tokens: Tokens, product: dict[str, Any]
) -> None:
    gql = graphql_at(http, orders)
    postgres.stop()
    assert_unavailable(await place(gql, tokens.customer, (product, 1)))
    postgres.start()

    result = await place(gql, tokens.customer, (product, 1))

    assert result.ok()["placeOrder"]["status"] == "PAID"


class WorkerPasses:
    """What each pass of the orders worker ended with, in order: None when it went through, else its error."""

    def __init__(self) -> None:
        self.outcomes: list[BaseException | None] = []
        self._changed = asyncio.Condition()

    async def record(self, outcome: BaseException | None) -> None:
        async with self._changed:
            self.outcomes.append(outcome)
            self._changed.notify_all()

    def failures(self) -> list[BaseException]:
        return [outcome for outcome in self.outcomes if outcome is not None]

    def successes_since(self, index: int) -> int:
        return sum(outcome is None for outcome in self.outcomes[index:])

    async def until(self, condition: Callable[[], bool]) -> None:
        async with asyncio.timeout(SETTLE_DEADLINE_SECONDS), self._changed:
            await self._changed.wait_for(condition)


@pytest.fixture
def worker_passes(orders: Served, monkeypatch: pytest.MonkeyPatch) -> WorkerPasses:
    """Records the passes of the running worker (it looks `settle_once` up on every pass)."""
    passes = WorkerPasses()
    settle_once = worker.settle_once

    async def recorded(**kwargs: Any) -> int:
        try:
            done = await settle_once(**kwargs)
        except Exception as error:
            await passes.record(error)
            raise
        await passes.record(None)
        return done

    monkeypatch.setattr(worker, "settle_once", recorded)
    return passes


async def owe_a_release(engine: AsyncEngine) -> str:
    """A release that orders owes products for a checkout that never got an order, as a timed-out
    reservation leaves; only the worker settles it."""
    order_id = uuid.uuid4()
    async with AsyncSession(engine) as session:
        await orders_repository.put_stock_task(session=session, order_id=order_id, action=StockAction.RELEASE)
        await session.commit()
    return str(order_id)


async def test_the_orders_worker_keeps_passing_through_the_outage_and_settles_stock_tasks_once_postgres_is_back(
    orders: Served, postgres: OwnPostgres, worker_passes: WorkerPasses
) -> None:
    postgres.stop()
    await worker_passes.until(lambda: len(worker_passes.failures()) >= 3)
    postgres.start()
    order_id = await owe_a_release(orders.engine)
    owed_at = len(worker_passes.outcomes)
    # The first pass recorded afterwards may have read the due tasks before the release was written.
    await worker_passes.until(lambda: worker_passes.successes_since(owed_at) >= 2)

    assert await stock_task(orders.engine, order_id) is None
    assert all(is_database_outage(failure) for failure in worker_passes.failures())


# ---------------------------------------------------------------- readiness and liveness


async def test_ready_answers_503_database_unavailable_while_postgres_is_down_and_health_stays_200(
    http: httpx.AsyncClient, products: Served, postgres: OwnPostgres
) -> None:
    postgres.stop()

    ready = await http.get(f"{products.url}/ready")
    health = await http.get(f"{products.url}/health")

    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "database": "unavailable", "redis": "ok"}
    assert health.status_code == 200


async def test_ready_answers_200_once_postgres_is_back(
    http: httpx.AsyncClient, products: Served, postgres: OwnPostgres
) -> None:
    postgres.stop()
    assert (await http.get(f"{products.url}/ready")).status_code == 503
    postgres.start()

    ready = await http.get(f"{products.url}/ready")

    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "database": "ok", "redis": "ok"}


# ---------------------------------------------------------------- a statement cut off


async def run_until_cut_off(request_session: RequestSession, postgres: OwnPostgres) -> None:
    """A long statement through the request session, and PostgreSQL shut down while it runs."""
    async with request_session.use() as session:
        connection = await session.connection()
        statement = asyncio.create_task(connection.execute(text("SELECT pg_sleep(60)")))
        await asyncio.sleep(0.2)  # the statement is running (a shutdown before it would not cut it)
        await asyncio.to_thread(postgres.stop)
        await statement


async def test_a_statement_cut_off_by_a_postgres_shutdown_raises_database_unavailable(
    products: Served, postgres: OwnPostgres
) -> None:
    request_session = RequestSession(create_session_factory(products.engine))

    with pytest.raises(DatabaseUnavailableError) as raised:
        await run_until_cut_off(request_session, postgres)
    await request_session.close()

    cause = raised.value.__cause__
    assert raised.value.extensions == UNAVAILABLE
    assert cause is not None
    assert is_database_outage(cause)


# ---------------------------------------------------------------- through the router and the REST layer


async def test_the_router_passes_unavailable_through_with_the_service_name(
    http: httpx.AsyncClient, router_url: str, postgres: OwnPostgres
) -> None:
    postgres.stop()

    result = await graphql_at(http, router_url).execute(PRODUCTS)

    assert [error["extensions"] for error in result.errors] == [{**UNAVAILABLE, "serviceName": "products"}]
    assert result.errors[0]["message"] == DATABASE_UNAVAILABLE_MESSAGE


async def test_a_rest_read_answers_503_with_retry_after_and_a_json_error_while_postgres_is_down(
    rest: httpx.AsyncClient, postgres: OwnPostgres
) -> None:
    postgres.stop()

    response = await rest.get("/products")

    assert response.status_code == 503
    assert response.headers["retry-after"] == RETRY_AFTER_DEFAULT
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"error": DATABASE_UNAVAILABLE_MESSAGE, "code": "UNAVAILABLE"}


async def test_a_rest_write_answers_503_with_retry_after_while_postgres_is_down(
    rest: httpx.AsyncClient, postgres: OwnPostgres
) -> None:
    registration = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": f"ada-{uuid.uuid4().hex[:8]}@example.com",
        "password": "correct horse battery staple",
    }
    postgres.stop()

    response = await rest.post("/users/register", json=registration)

    assert response.status_code == 503
    assert response.headers["retry-after"] == RETRY_AFTER_DEFAULT
    assert response.json()["code"] == "UNAVAILABLE"


async def test_the_rest_layer_answers_again_once_postgres_is_back(
    rest: httpx.AsyncClient, postgres: OwnPostgres
) -> None:
    postgres.stop()
    assert (await rest.get("/products")).status_code == 503
    postgres.start()

    response = await rest.get("/products")

    assert response.status_code == 200
    assert "retry-after" not in response.headers
