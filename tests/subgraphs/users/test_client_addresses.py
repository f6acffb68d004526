"""The login throttle counts the client address the users subgraph resolves: the peer, or behind the
router (trusted by address or by the proxy secret) the client the router saw, never a caller's own word."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from pydantic import SecretStr

from subgraphs.common.client_address import PROXY_SECRET_HEADER
from subgraphs.users.config import UsersSettings
from subgraphs.users.main import create_app
from tests.subgraphs.users.builders import LOGIN, PASSWORD, REGISTER

ROUTER_SECRET = "what the router sends its subgraphs"
Login = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture(scope="module")
async def proxied_users_app(users_settings: UsersSettings) -> AsyncIterator[FastAPI]:
    """The users subgraph behind the router: trusted at 10.0.0.0/8, or by the proxy secret."""
    settings = users_settings.model_copy(
        update={
            "trusted_proxies": UsersSettings(trusted_proxies=("10.0.0.0/8",)).trusted_proxies,
            "trusted_proxy_secret": SecretStr(ROUTER_SECRET),
        }
    )
    app = create_app(settings)
    async with LifespanManager(app):
        yield app


def peer_of(app: FastAPI) -> Login:
    @asynccontextmanager
    async def connected(peer: str) -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=app, client=(peer, 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://users") as http:
            yield http

    return connected


async def login_codes(
    http: httpx.AsyncClient, email: str, headers: dict[str, str], password: str = PASSWORD
) -> list[str]:
    response = await http.post(
        "/graphql",
        json={"query": LOGIN, "variables": {"email": email, "password": password}},
        headers=headers,
    )
    return [error["extensions"]["code"] for error in response.json().get("errors") or []]


async def fail_six_times(http: httpx.AsyncClient, headers_of: Callable[[int], dict[str, str]]) -> None:
    """As many failures as the per-address limit allows (6 in these tests), each for another account."""
    for index in range(6):
        assert await login_codes(http, f"guess{index}@example.com", headers_of(index), "wrong") == [
            "UNAUTHENTICATED"
        ]


async def register(http: httpx.AsyncClient, email: str) -> None:
    variables = {"input": {"email": email, "password": PASSWORD, "firstName": "Ada", "lastName": "L"}}
    response = await http.post("/graphql", json={"query": REGISTER, "variables": variables})
    assert "errors" not in response.json(), response.json()


async def test_a_spoofed_forwarded_for_cannot_bypass_the_login_throttle(
    users_app: FastAPI, clean_users: None
) -> None:
    async with peer_of(users_app)("203.0.113.7") as http:
        await register(http, "ada@example.com")
        await fail_six_times(http, lambda index: {"x-forwarded-for": f"198.51.100.{index}"})

        fresh_address = {"x-forwarded-for": "198.51.100.99"}
        assert await login_codes(http, "ada@example.com", fresh_address) == ["RATE_LIMITED"]


async def test_a_spoofed_proxy_secret_cannot_bypass_the_login_throttle(
    proxied_users_app: FastAPI, clean_users: None
) -> None:
    async with peer_of(proxied_users_app)("127.0.0.1") as http:
        await register(http, "ada@example.com")
        await fail_six_times(
            http, lambda index: {"x-forwarded-for": f"198.51.100.{index}", PROXY_SECRET_HEADER: "a guess"}
        )

        fresh = {"x-forwarded-for": "198.51.100.99", PROXY_SECRET_HEADER: "a guess"}
        assert await login_codes(http, "ada@example.com", fresh) == ["RATE_LIMITED"]


async def test_behind_a_trusted_proxy_each_client_has_its_own_bucket(
    proxied_users_app: FastAPI, clean_users: None
) -> None:
    async with peer_of(proxied_users_app)("10.0.0.2") as router:
        await register(router, "ada@example.com")
        await fail_six_times(router, lambda _: {"x-forwarded-for": "6.6.6.6, 198.51.100.1"})

        throttled = await login_codes(router, "ada@example.com", {"x-forwarded-for": "198.51.100.1"})
        other_client = await login_codes(router, "ada@example.com", {"x-forwarded-for": "198.51.100.2"})

    assert (throttled, other_client) == (["RATE_LIMITED"], [])


async def test_with_the_proxy_secret_each_client_of_the_router_has_its_own_bucket(
    proxied_users_app: FastAPI, clean_users: None
) -> None:
    def via_router(client: str) -> dict[str, str]:
        return {"x-forwarded-for": client, PROXY_SECRET_HEADER: ROUTER_SECRET}

    async with peer_of(proxied_users_app)("127.0.0.1") as router:
        await register(router, "ada@example.com")
        await fail_six_times(router, lambda _: via_router("198.51.100.1"))

        throttled = await login_codes(router, "ada@example.com", via_router("198.51.100.1"))
        other_client = await login_codes(router, "ada@example.com", via_router("198.51.100.2"))
        the_router_itself = await login_codes(router, "ada@example.com", {})

    assert (throttled, other_client, the_router_itself) == (["RATE_LIMITED"], [], [])
