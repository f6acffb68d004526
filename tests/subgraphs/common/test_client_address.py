"""The client address every subgraph resolves (`request.client`), from its trusted proxies and secret."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request

from subgraphs.common.client_address import PROXY_SECRET_HEADER, resolve_client_addresses
from subgraphs.common.settings import SubgraphSettings

SECRET = "what the router sends its subgraphs"


def echo_app() -> FastAPI:
    app = FastAPI()

    @app.get("/")
    async def echo(request: Request) -> dict[str, Any]:
        return {
            "client": request.client.host if request.client else None,
            "forwarded_for": request.headers.get("x-forwarded-for"),
            "secret": request.headers.get(PROXY_SECRET_HEADER),
        }

    resolve_client_addresses(
        app, SubgraphSettings(trusted_proxies=("10.0.0.0/8",), trusted_proxy_secret=SECRET)
    )
    return app


async def seen(peer: str, headers: list[tuple[str, str]]) -> dict[str, Any]:
    transport = httpx.ASGITransport(app=echo_app(), client=(peer, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://subgraph") as http:
        body: dict[str, Any] = (await http.get("/", headers=headers)).json()
        return body


async def test_an_untrusted_peer_cannot_choose_its_address() -> None:
    assert (await seen("127.0.0.1", [("x-forwarded-for", "198.51.100.7")]))["client"] == "127.0.0.1"


async def test_behind_a_trusted_network_the_rightmost_untrusted_hop_is_the_client() -> None:
    headers = [("x-forwarded-for", "6.6.6.6, 198.51.100.7"), ("x-forwarded-for", "10.0.0.3")]
    assert (await seen("10.0.0.2", headers))["client"] == "198.51.100.7"


async def test_the_proxy_secret_vouches_for_its_own_hop_only() -> None:
    headers = [("x-forwarded-for", "6.6.6.6, 198.51.100.7"), (PROXY_SECRET_HEADER, SECRET)]
    body = await seen("127.0.0.1", headers)
    assert (body["client"], body["forwarded_for"], body["secret"]) == ("198.51.100.7", "6.6.6.6", None)


@pytest.mark.parametrize("forwarded_for", ["not-an-address", ""])
async def test_a_secret_hop_that_names_no_address_leaves_the_peer(forwarded_for: str) -> None:
    headers = [("x-forwarded-for", forwarded_for), (PROXY_SECRET_HEADER, SECRET)]
    assert (await seen("127.0.0.1", headers))["client"] == "127.0.0.1"


async def test_a_wrong_proxy_secret_is_ignored_and_removed() -> None:
    headers = [("x-forwarded-for", "198.51.100.7"), (PROXY_SECRET_HEADER, "a guess")]
    body = await seen("127.0.0.1", headers)
    assert (body["client"], body["secret"]) == ("127.0.0.1", None)
