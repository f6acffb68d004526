"""The REST layer passes its own client's address on to the router, which believes it only with the
proxy secret: over real HTTP, two REST clients on two loopback addresses land in two sign-in buckets
of the users subgraph (its login throttle's counters in Redis say which address it saw)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest
from redis.asyncio import Redis

from rest_compat.app import create_app
from rest_compat.config import RestSettings
from tests.support.servers import serve
from tests.support.stack import Stack

REST_HOST = "127.0.0.1"
Connect = Callable[[str], AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture(scope="module")
async def rest_url(stack: Stack) -> AsyncIterator[str]:
    """The REST layer over HTTP, as deployed: with the proxy secret the router trusts."""
    settings = RestSettings(router_url=stack.graphql_url(), router_proxy_secret=stack.proxy_secret)
    async with serve(create_app(settings)) as url:
        yield url


@pytest.fixture(scope="module")
async def rest_url_without_secret(stack: Stack) -> AsyncIterator[str]:
    async with serve(create_app(RestSettings(router_url=stack.graphql_url()))) as url:
        yield url


def connect_to(url: str) -> Connect:
    @asynccontextmanager
    async def connected(local_address: str) -> AsyncIterator[httpx.AsyncClient]:
        """A REST client whose connections come from `local_address` (any 127.x.y.z on Linux)."""
        transport = httpx.AsyncHTTPTransport(local_address=local_address)
        async with httpx.AsyncClient(transport=transport, base_url=url, timeout=30) as http:
            yield http

    return connected


class SignInBuckets:
    """The users subgraph's count of failed sign-ins per client address."""

    def __init__(self, redis: Redis, namespace: str) -> None:
        self._redis = redis
        self._prefix = f"{namespace}:users:login-failures:address"

    async def counts(self, *addresses: str) -> tuple[int, ...]:
        values = [await self._redis.get(f"{self._prefix}:{address}") for address in addresses]
        return tuple(int(value or 0) for value in values)


@pytest.fixture
def buckets(redis: Redis, cache_namespace: str) -> SignInBuckets:
    return SignInBuckets(redis, cache_namespace)


async def fail_sign_in(http: httpx.AsyncClient, headers: dict[str, str] | None = None) -> None:
    credentials = {"email": f"nobody-{uuid.uuid4().hex[:8]}@example.com", "password": "not the password"}
    response = await http.post("/users/login", json=credentials, headers=headers)
    assert response.status_code == 401, response.text


async def test_each_rest_client_has_its_own_sign_in_bucket(rest_url: str, buckets: SignInBuckets) -> None:
    before = await buckets.counts("127.0.0.2", "127.0.0.3", REST_HOST)
    connect = connect_to(rest_url)
    async with connect("127.0.0.2") as ada, connect("127.0.0.3") as bob:
        await fail_sign_in(ada)
        await fail_sign_in(bob)
        await fail_sign_in(bob)

    after = await buckets.counts("127.0.0.2", "127.0.0.3", REST_HOST)
    assert tuple(a - b for a, b in zip(after, before, strict=True)) == (1, 2, 0)


async def test_a_rest_clients_own_forwarded_for_is_not_passed_on(
    rest_url: str, buckets: SignInBuckets
) -> None:
    before = await buckets.counts("127.0.0.4", "198.51.100.66")
    async with connect_to(rest_url)("127.0.0.4") as mallory:
        await fail_sign_in(mallory, {"x-forwarded-for": "198.51.100.66"})

    after = await buckets.counts("127.0.0.4", "198.51.100.66")
    assert tuple(a - b for a, b in zip(after, before, strict=True)) == (1, 0)


async def test_without_the_proxy_secret_the_router_does_not_believe_the_rest_layer(
    rest_url_without_secret: str, buckets: SignInBuckets
) -> None:
    before = await buckets.counts("127.0.0.5", REST_HOST)
    async with connect_to(rest_url_without_secret)("127.0.0.5") as client:
        await fail_sign_in(client)

    after = await buckets.counts("127.0.0.5", REST_HOST)
    assert tuple(a - b for a, b in zip(after, before, strict=True)) == (0, 1)
