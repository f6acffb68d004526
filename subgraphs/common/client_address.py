"""The client's address in every subgraph: the socket peer, unless that peer is a trusted proxy (the
router); then the right-most `X-Forwarded-For` hop that is not itself a trusted proxy. What an untrusted
caller writes in the header is never believed, so it cannot choose its own sign-in throttle bucket.

Proxies are trusted by address with uvicorn's `ProxyHeadersMiddleware` (CIDR networks, IPv6, `host:port`
hops, several header lines read as one list), which rewrites the ASGI scope's `client`: code reads
`request.client` and nothing else. Uvicorn trusts only addresses, and on one host (`gocart dev`, the e2e
stack) the router connects from 127.0.0.1 like any local client. So `ProxySecretHop` (ours, for that
reason; the router has its twin, as subgraphs and router share no code) trusts a hop by the shared secret
it sends in `x-gocart-proxy-secret`: the right-most hop becomes the peer, and trust by address carries on
from there. The secret header is removed from every request, so no resolver or log ever sees it.
"""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import FastAPI
from pydantic import SecretStr
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from subgraphs.common.settings import SubgraphSettings

PROXY_SECRET_HEADER = "x-gocart-proxy-secret"  # noqa: S105  (a header name, not a secret)
_SECRET = PROXY_SECRET_HEADER.encode()
_FORWARDED_FOR = b"x-forwarded-for"


def resolve_client_addresses(app: FastAPI, settings: SubgraphSettings) -> None:
    """Add the middleware that makes `request.client` the client's address (call it last: outermost)."""
    if settings.trusted_proxies:
        trusted = [str(network) for network in settings.trusted_proxies]
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=trusted)
    if settings.trusted_proxy_secret is not None:
        app.add_middleware(ProxySecretHop, secret=settings.trusted_proxy_secret)


class ProxySecretHop:
    """A request carrying the secret comes from a trusted proxy, whatever its socket address."""

    def __init__(self, app: ASGIApp, *, secret: SecretStr) -> None:
        self.app = app
        self._secret = secret.get_secret_value().encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        presented = [value for name, value in scope["headers"] if name == _SECRET]
        if not presented:
            await self.app(scope, receive, send)
            return
        scope = dict(scope)
        headers = [(name, value) for name, value in scope["headers"] if name != _SECRET]
        if len(presented) == 1 and hmac.compare_digest(presented[0], self._secret):
            headers = _take_nearest_hop(scope, headers)
        scope["headers"] = headers
        await self.app(scope, receive, send)


def _take_nearest_hop(scope: Scope, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Make the right-most `X-Forwarded-For` hop the peer; the headers with that hop removed."""
    lines = [value.decode("latin-1") for name, value in headers if name == _FORWARDED_FOR]
    others = [(name, value) for name, value in headers if name != _FORWARDED_FOR]
    if not lines:
        return headers
    *farther, nearest = [hop.strip() for hop in ", ".join(lines).split(",")]
    if not _is_address(nearest):
        return others  # a trusted proxy that names no address: its own address is all we know
    scope["client"] = (nearest, 0)
    if farther:
        others.append((_FORWARDED_FOR, ", ".join(farther).encode("latin-1")))
    return others


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
