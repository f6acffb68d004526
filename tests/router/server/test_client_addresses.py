"""The client address the router passes on to subgraphs (`X-Forwarded-For`), through the whole edge
pipeline: the router in-process, its subgraphs over real HTTP, the accounts one recording what it gets."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from router.config import RouterSettings
from router.edge.client_address import PROXY_SECRET_HEADER
from router.server import create_app
from testbed.shop_subgraphs import shop_apps
from tests.router.servers import serving

REST_SECRET = "what the REST layer sends the router"
SUBGRAPH_SECRET = "what the router sends its subgraphs"
ME = {"query": "{ me { id } }"}


class Recorder:
    """An ASGI app in front of a subgraph that keeps the headers of each request it is sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.requests: list[Headers] = []
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            with self._lock:
                self.requests.append(Headers(scope=scope))
        await self.app(scope, receive, send)

    def last(self, name: str) -> str | None:
        with self._lock:
            return self.requests[-1].get(name)


@pytest.fixture(scope="module")
def accounts() -> Recorder:
    return Recorder(shop_apps()["accounts"])


@pytest.fixture(scope="module")
def recorded_urls(accounts: Recorder) -> Iterator[dict[str, str]]:
    with serving({**shop_apps(), "accounts": accounts}) as urls:
        yield urls


@pytest.fixture(scope="module")
async def router_app(supergraph_file: Path, recorded_urls: dict[str, str]) -> AsyncIterator[Any]:
    settings = RouterSettings(
        supergraph=supergraph_file,
        subgraph_urls=recorded_urls,
        trusted_proxies=("10.0.0.0/8",),
        trusted_proxy_secret=REST_SECRET,
        subgraph_proxy_secret=SUBGRAPH_SECRET,
    )
    async with LifespanManager(create_app(settings)) as manager:
        yield manager.app


async def forwarded_for(
    router_app: Any, accounts: Recorder, peer: str, headers: dict[str, str]
) -> str | None:
    """The `X-Forwarded-For` the accounts subgraph got for a request from `peer` with these headers."""
    transport = httpx.ASGITransport(app=router_app, client=(peer, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://router") as http:
        response = await http.post("/graphql", json=ME, headers=headers)
    assert response.json() == {"data": {"me": {"id": "1"}}}
    return accounts.last("x-forwarded-for")


async def test_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(
    router_app: Any, accounts: Recorder
) -> None:
    spoofed = {"x-forwarded-for": "198.51.100.7"}
    assert await forwarded_for(router_app, accounts, "203.0.113.9", spoofed) == "203.0.113.9"


async def test_a_local_peer_without_the_proxy_secret_is_not_a_trusted_hop(
    router_app: Any, accounts: Recorder
) -> None:
    spoofed = {"x-forwarded-for": "198.51.100.7", PROXY_SECRET_HEADER: "a guess"}
    assert await forwarded_for(router_app, accounts, "127.0.0.1", spoofed) == "127.0.0.1"


async def test_behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_passed_on(
    router_app: Any, accounts: Recorder
) -> None:
    chain = {"x-forwarded-for": "6.6.6.6, 198.51.100.7, 10.0.0.3"}
    assert await forwarded_for(router_app, accounts, "10.0.0.2", chain) == "198.51.100.7"


async def test_the_rest_layers_hop_is_believed_with_the_proxy_secret(
    router_app: Any, accounts: Recorder
) -> None:
    hop = {"x-forwarded-for": "198.51.100.8", PROXY_SECRET_HEADER: REST_SECRET}
    assert await forwarded_for(router_app, accounts, "127.0.0.1", hop) == "198.51.100.8"


async def test_subgraphs_get_the_routers_proxy_secret_never_the_clients(
    router_app: Any, accounts: Recorder
) -> None:
    hop = {"x-forwarded-for": "198.51.100.8", PROXY_SECRET_HEADER: REST_SECRET}
    await forwarded_for(router_app, accounts, "127.0.0.1", hop)
    assert accounts.last(PROXY_SECRET_HEADER) == SUBGRAPH_SECRET
