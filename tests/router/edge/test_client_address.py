"""The client address the router's middleware resolves: what an app behind it reads as `request.client`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import SecretStr, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from router.config import RouterSettings
from router.edge.client_address import PROXY_SECRET_HEADER, client_address_middleware

SECRET = "the REST layer's proxy secret"
Headers = list[tuple[str, str]]


async def _echo(request: Request) -> JSONResponse:
    return JSONResponse(
        {
            "client": request.client.host if request.client else None,
            "forwarded_for": request.headers.get("x-forwarded-for"),
            "secret": request.headers.get(PROXY_SECRET_HEADER),
        }
    )


async def seen(
    peer: str, headers: Headers, *, trusted: tuple[str, ...] = (), secret: str | None = None
) -> dict[str, Any]:
    """What an app behind the middleware sees of a request from `peer` with these headers."""
    settings = RouterSettings(trusted_proxies=trusted, trusted_proxy_secret=secret)
    app = Starlette(
        routes=[Route("/", _echo)],
        middleware=client_address_middleware(settings.trusted_proxies, settings.trusted_proxy_secret),
    )
    transport = httpx.ASGITransport(app=app, client=(peer, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://router") as http:
        body: dict[str, Any] = (await http.get("/", headers=headers)).json()
        return body


async def client_of(
    peer: str, forwarded_for: str | None = None, *, trusted: tuple[str, ...] = (), secret: str | None = None
) -> str:
    headers = [("x-forwarded-for", forwarded_for)] if forwarded_for is not None else []
    client: str = (await seen(peer, headers, trusted=trusted, secret=secret))["client"]
    return client


async def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    assert await client_of("127.0.0.1", "198.51.100.7") == "127.0.0.1"


async def test_an_untrusted_peer_cannot_choose_its_address() -> None:
    assert await client_of("203.0.113.9", "10.0.0.5, 198.51.100.7", trusted=("10.0.0.0/8",)) == "203.0.113.9"


async def test_behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() -> None:
    client = await client_of("10.0.0.1", "6.6.6.6, 198.51.100.7", trusted=("10.0.0.1",))
    assert client == "198.51.100.7"


async def test_every_proxy_of_a_trusted_network_is_passed_over() -> None:
    client = await client_of("10.1.2.3", "6.6.6.6, 198.51.100.7, 10.9.9.9, 10.0.0.2", trusted=("10.0.0.0/8",))
    assert client == "198.51.100.7"


async def test_ipv6_proxies_and_clients() -> None:
    trusted = ("fd00::/8",)
    assert await client_of("fd00::1", "2001:db8::7, fd00::2", trusted=trusted) == "2001:db8::7"
    assert await client_of("fd00::1", "[2001:db8::8]:443", trusted=trusted) == "2001:db8::8"
    assert await client_of("2001:db8::9", "2001:db8::7", trusted=trusted) == "2001:db8::9"


async def test_forwarded_for_lines_are_read_as_one_list() -> None:
    """A proxy that adds its own line after the client's: the client's line is not the answer."""
    headers = [("x-forwarded-for", "6.6.6.6"), ("x-forwarded-for", "198.51.100.7")]
    assert (await seen("10.0.0.1", headers, trusted=("10.0.0.1",)))["client"] == "198.51.100.7"


async def test_garbage_left_of_the_client_hop_is_ignored() -> None:
    client = await client_of("10.0.0.1", "not-an-address, 198.51.100.7", trusted=("10.0.0.1",))
    assert client == "198.51.100.7"


@pytest.mark.parametrize("forwarded_for", ["", " , "])
async def test_an_empty_hop_from_a_trusted_proxy_leaves_the_peer(forwarded_for: str) -> None:
    assert await client_of("10.0.0.1", forwarded_for, trusted=("10.0.0.1",)) == "10.0.0.1"


@pytest.mark.parametrize("entry", ["10.0.0.1/8", "localhost", "10.0.0.300"])
def test_a_trusted_proxy_that_is_no_address_or_network_is_refused(entry: str) -> None:
    with pytest.raises(ValidationError):
        RouterSettings(trusted_proxies=(entry,))


async def test_the_proxy_secret_makes_a_local_peer_a_trusted_hop() -> None:
    headers = [("x-forwarded-for", "198.51.100.7"), (PROXY_SECRET_HEADER, SECRET)]
    assert (await seen("127.0.0.1", headers, secret=SECRET))["client"] == "198.51.100.7"


@pytest.mark.parametrize("presented", [None, "a guess", SECRET + "!"])
async def test_without_the_proxy_secret_a_local_peer_cannot_choose_its_address(presented: str | None) -> None:
    headers = [("x-forwarded-for", "198.51.100.7")]
    if presented is not None:
        headers.append((PROXY_SECRET_HEADER, presented))
    assert (await seen("127.0.0.1", headers, secret=SECRET))["client"] == "127.0.0.1"


async def test_the_proxy_secret_vouches_for_its_own_hop_only() -> None:
    headers = [("x-forwarded-for", "6.6.6.6, 198.51.100.7"), (PROXY_SECRET_HEADER, SECRET)]
    body = await seen("127.0.0.1", headers, secret=SECRET)
    assert (body["client"], body["forwarded_for"]) == ("198.51.100.7", "6.6.6.6")


async def test_behind_the_secret_hop_trust_by_address_carries_on() -> None:
    headers = [("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.0.0.2"), (PROXY_SECRET_HEADER, SECRET)]
    assert (await seen("127.0.0.1", headers, trusted=("10.0.0.0/8",), secret=SECRET))["client"] == (
        "198.51.100.7"
    )


async def test_a_secret_hop_that_names_no_address_leaves_the_peer() -> None:
    headers = [("x-forwarded-for", "not-an-address"), (PROXY_SECRET_HEADER, SECRET)]
    body = await seen("127.0.0.1", headers, trusted=("127.0.0.1",), secret=SECRET)
    assert (body["client"], body["forwarded_for"]) == ("127.0.0.1", None)


@pytest.mark.parametrize("presented", [SECRET, "a guess"])
async def test_the_proxy_secret_header_never_reaches_the_app(presented: str) -> None:
    headers = [("x-forwarded-for", "198.51.100.7"), (PROXY_SECRET_HEADER, presented)]
    assert (await seen("127.0.0.1", headers, secret=SECRET))["secret"] is None


def test_the_proxy_secret_is_a_secret_setting() -> None:
    settings = RouterSettings(trusted_proxy_secret=SECRET)
    assert isinstance(settings.trusted_proxy_secret, SecretStr)
    assert SECRET not in repr(settings)
