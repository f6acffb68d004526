"""What the persisted-query tests share: a router app started with its lifespan, and request bodies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

from router.config import RouterSettings
from router.edge.persisted import sha256_hex
from router.server import create_app

PREFLIGHT = {"apollo-require-preflight": "true"}


@asynccontextmanager
async def router_client(settings: RouterSettings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client in front of a started router app (its own metrics, memory and Redis client)."""
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://router") as client:
            yield client


def persisted_query(sha256: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256}}


def hash_only(query: str) -> dict[str, Any]:
    return {"extensions": persisted_query(sha256_hex(query))}


def registration(query: str) -> dict[str, Any]:
    return {"query": query, "extensions": persisted_query(sha256_hex(query))}


def code(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


async def persisted_outcomes(client: httpx.AsyncClient) -> dict[str, float]:
    """The `gocart_router_persisted_queries_total` counters of this app, by outcome."""
    text = (await client.get("/metrics")).text
    prefix = 'gocart_router_persisted_queries_total{outcome="'
    counts: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith(prefix):
            labels, value = line.rsplit(" ", 1)
            counts[labels.removeprefix(prefix).removesuffix('"}')] = float(value)
    return counts
