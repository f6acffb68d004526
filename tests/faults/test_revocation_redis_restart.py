"""Revocations survive Redis: PostgreSQL holds them, the users subgraph rebuilds Redis's copy, and while
Redis cannot be read admins are refused with UNAVAILABLE and customers served.

The users, products and orders subgraphs run in-process on the session's PostgreSQL and on a Redis of the
test's own, which the tests stop (it loses everything) and start again empty.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from pydantic import SecretStr
from redis.asyncio import Redis

from subgraphs.common.revocations import RevocationList
from subgraphs.common.signing import SigningKey
from subgraphs.orders.config import OrdersSettings
from subgraphs.orders.main import create_app as create_orders_app
from subgraphs.products.config import ProductsSettings
from subgraphs.products.main import create_app as create_products_app
from subgraphs.users.config import UsersSettings
from subgraphs.users.main import create_app as create_users_app
from subgraphs.users.revocations import SessionRevocations
from tests.faults.servers import OwnRedis
from tests.subgraphs.users.builders import BOOTSTRAP_ADMIN, LOGIN, REGISTER
from tests.support.graphql import GraphQLClient, GraphQLResponse
from tests.support.tokens import AUDIENCE, ISSUER

NAMESPACE = "gocart-faults"
WAIT_SECONDS = 15
ADMIN_READ = "{ products(first: 1, filter: {includeInactive: true}) { edges { node { id } } } }"
USERS_ADMIN_READ = "{ users(first: 1) { edges { node { id } } } }"
CUSTOMER_READ = "query($id: ID!) { order(id: $id) { id } }"
LOGOUT = "mutation($t: String) { logout(refreshToken: $t) }"


@dataclass(frozen=True)
class Session:
    access_token: str
    refresh_token: str


@dataclass(frozen=True)
class Shop:
    users: GraphQLClient
    products: GraphQLClient
    orders: GraphQLClient
    users_app: FastAPI

    async def sign_in(self, email: str, password: str) -> Session:
        login = (await self.users.execute(LOGIN, {"email": email, "password": password})).ok()["login"]
        return Session(login["accessToken"], login["refreshToken"])

    async def admin(self) -> Session:
        return await self.sign_in(*BOOTSTRAP_ADMIN)

    async def customer(self) -> Session:
        email, password = f"c-{uuid.uuid4().hex[:8]}@example.com", "correct horse battery staple"
        names = {"firstName": "Ada", "lastName": "Lovelace"}
        (await self.users.execute(REGISTER, {"input": {"email": email, "password": password, **names}})).ok()
        return await self.sign_in(email, password)

    async def log_out(self, session: Session) -> None:
        (await self.users.execute(LOGOUT, {"t": session.refresh_token}, token=session.access_token)).ok()

    async def admin_read(self, session: Session) -> GraphQLResponse:
        return await self.products.execute(ADMIN_READ, token=session.access_token)

    async def customer_read(self, session: Session) -> GraphQLResponse:
        return await self.orders.execute(CUSTOMER_READ, {"id": str(uuid.uuid4())}, token=session.access_token)

    @property
    def revocations(self) -> SessionRevocations:
        publisher: SessionRevocations = self.users_app.state.session_revocations
        return publisher


@pytest.fixture
def open_shop(database_url: str, own_redis: OwnRedis, signing_key: SigningKey) -> Callable[..., Any]:
    """Opens the three subgraphs on the test's Redis; `sync_interval` is the users subgraph's check."""
    common: dict[str, Any] = {
        "database_url": SecretStr(database_url),
        "redis_url": SecretStr(own_redis.url),
        "cache_namespace": NAMESPACE,
        "jwt_issuer": ISSUER,
        "jwt_audience": AUDIENCE,
        "log_json": False,
        "event_relay_interval_seconds": 0,  # no background work beside what the tests are about
    }
    jwks = SecretStr(signing_key.jwks())

    @asynccontextmanager
    async def opened(*, sync_interval: float = 0.1) -> AsyncIterator[Shop]:
        users = create_users_app(
            UsersSettings(
                **common,
                jwt_private_key=SecretStr(signing_key.private_pem()),
                bootstrap_admin_email=BOOTSTRAP_ADMIN[0],
                bootstrap_admin_password=SecretStr(BOOTSTRAP_ADMIN[1]),
                revocation_sync_interval_seconds=sync_interval,
            )
        )
        products = create_products_app(
            ProductsSettings(**common, jwt_jwks=jwks, reservation_sweep_interval_seconds=0)
        )
        orders = create_orders_app(
            OrdersSettings(
                **common,
                jwt_jwks=jwks,
                products_url="http://127.0.0.1:9/graphql",  # never called here
                service_signing_key_pem=SecretStr(signing_key.private_pem()),
                service_signing_kid=signing_key.kid,
                stock_task_interval_seconds=0,
                webhook_interval_seconds=0,
            )
        )
        async with AsyncExitStack() as stack:

            async def client_of(app: FastAPI) -> GraphQLClient:
                # Shutdown bounded at 30 s, not asgi-lifespan's 5 s: a loaded machine after a Redis
                # restart needs longer, and a real hang still fails.
                await stack.enter_async_context(LifespanManager(app, shutdown_timeout=30))
                http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://subgraph")
                return GraphQLClient(await stack.enter_async_context(http))

            yield Shop(
                users=await client_of(users),
                products=await client_of(products),
                orders=await client_of(orders),
                users_app=users,
            )

    return opened


@pytest.fixture
async def shop(open_shop: Callable[..., Any]) -> AsyncIterator[Shop]:
    async with open_shop() as opened:
        yield opened


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Poll `check` until it holds, for at most WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not await check():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {WAIT_SECONDS} s")
        await asyncio.sleep(0.05)


async def admins_served_again(shop: Shop, session: Session) -> None:
    """Wait for the rebuild after a restart: until then a live admin session is refused UNAVAILABLE."""

    async def served() -> bool:
        return (await shop.admin_read(session)).errors == []

    await eventually(served, "the revoked-session set being rebuilt")


def restart_empty(redis: OwnRedis) -> None:
    redis.stop()
    redis.start()


async def test_an_admin_token_revoked_at_logout_stays_refused_after_redis_restarts_empty(
    shop: Shop, own_redis: OwnRedis
) -> None:
    signed_out, still_in = await shop.admin(), await shop.admin()
    await shop.log_out(signed_out)
    assert (await shop.admin_read(signed_out)).codes == ["UNAUTHENTICATED"]

    restart_empty(own_redis)
    await admins_served_again(shop, still_in)

    assert (await shop.admin_read(signed_out)).codes == ["UNAUTHENTICATED"]


async def test_a_customer_token_revoked_at_logout_is_refused_again_once_redis_is_rebuilt(
    shop: Shop, own_redis: OwnRedis
) -> None:
    signed_out, still_in = await shop.customer(), await shop.customer()
    await shop.log_out(signed_out)

    restart_empty(own_redis)

    async def refused() -> bool:
        return (await shop.customer_read(signed_out)).codes == ["UNAUTHENTICATED"]

    await eventually(refused, "the signed-out customer being refused again")
    assert (await shop.customer_read(still_in)).ok() == {"order": None}


@pytest.mark.parametrize("subgraph", ["products", "users"])
async def test_an_admin_operation_answers_unavailable_while_redis_is_down(
    shop: Shop, own_redis: OwnRedis, subgraph: str
) -> None:
    admin = await shop.admin()
    client, query = (shop.products, ADMIN_READ) if subgraph == "products" else (shop.users, USERS_ADMIN_READ)
    own_redis.stop()

    result = await client.execute(query, token=admin.access_token)

    assert (result.status, result.codes) == (200, ["UNAVAILABLE"])
    assert result.errors[0]["extensions"]["retryAfterSeconds"] > 0


async def test_a_customer_is_served_while_redis_is_down(shop: Shop, own_redis: OwnRedis) -> None:
    customer = await shop.customer()
    own_redis.stop()

    assert (await shop.customer_read(customer)).ok() == {"order": None}


async def test_admins_are_served_again_once_redis_is_back_and_rebuilt(
    shop: Shop, own_redis: OwnRedis
) -> None:
    admin = await shop.admin()
    own_redis.stop()
    assert (await shop.admin_read(admin)).codes == ["UNAVAILABLE"]

    own_redis.start()

    await admins_served_again(shop, admin)


async def test_a_logout_while_redis_is_down_is_enforced_once_redis_is_back(
    shop: Shop, own_redis: OwnRedis
) -> None:
    signed_out, still_in = await shop.admin(), await shop.admin()
    own_redis.stop()
    (await shop.users.execute(LOGOUT, {"t": signed_out.refresh_token})).ok()  # the refresh token suffices

    own_redis.start()
    await admins_served_again(shop, still_in)

    assert (await shop.admin_read(signed_out)).codes == ["UNAUTHENTICATED"]


async def test_a_revocation_whose_write_failed_is_published_by_the_next_sync(
    open_shop: Callable[..., Any], own_redis: OwnRedis
) -> None:
    """Even where Redis kept its data (the marker, put back by hand here, as after a network blip)."""
    async with open_shop(sync_interval=3600) as shop:  # no background round: the test syncs by hand
        signed_out = await shop.admin()
        own_redis.stop()
        (await shop.users.execute(LOGOUT, {"t": signed_out.refresh_token})).ok()
        own_redis.start()
        await mark_rebuilt(own_redis)
        assert (await shop.admin_read(signed_out)).errors == []  # Redis missed the logout

        assert await shop.revocations.sync()

        assert (await shop.admin_read(signed_out)).codes == ["UNAUTHENTICATED"]


async def mark_rebuilt(own_redis: OwnRedis) -> None:
    client = Redis.from_url(own_redis.url)
    try:
        await client.set(RevocationList(client, namespace=NAMESPACE).rebuilt_key, b"by hand")
    finally:
        await client.aclose()
