"""Fixtures for the edge tests: the server tests' shop subgraphs and supergraph file, shared; and for the
rate-limit tests, the tests' real Redis under a namespace of each test's own, a port where no Redis
answers, a supergraph file, and the router app in front of them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from pydantic import SecretStr
from redis.asyncio import Redis

from router.config import RateLimitSettings, RouterSettings
from router.edge.rate_limit import RedisBuckets
from router.server import create_app
from router.server.pipeline import Edge
from testbed.shop_supergraph import SHOP
from tests.router.server.conftest import subgraph_urls, supergraph_file
from tests.support.services import ServiceUrls

__all__ = ["subgraph_urls", "supergraph_file"]

# `{ __typename }` is answered by the router itself, so these tests need no subgraph.
TYPENAME = {"query": "{ __typename }"}

StartRouter = Callable[[RouterSettings], AbstractAsyncContextManager["RunningRouter"]]


@pytest.fixture
def rate_namespace(cache_namespace: str) -> str:
    """Under the session's namespace (cleaned up at its end), and unique to the test."""
    return f"{cache_namespace}:{uuid.uuid4().hex[:8]}"


@pytest.fixture
def shared_buckets(redis: Redis, rate_namespace: str) -> RedisBuckets:
    return RedisBuckets(redis, rate_namespace)


@pytest.fixture(scope="session")
def bare_supergraph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rate-limit") / "supergraph.graphql"
    path.write_text(SHOP, encoding="utf-8")
    return path


@pytest.fixture
def router_settings(
    bare_supergraph: Path, services: ServiceUrls, rate_namespace: str
) -> Callable[..., RouterSettings]:
    """Router settings on the tests' Redis; keyword arguments override the rate-limit section."""

    def build(redis_url: str | None = services.redis_url, **rate_limit: Any) -> RouterSettings:
        return RouterSettings(
            supergraph=bare_supergraph,
            redis_url=SecretStr(redis_url) if redis_url else None,
            redis_namespace=rate_namespace,
            rate_limit=RateLimitSettings(**rate_limit),
        )

    return build


class RunningRouter:
    """The router app, started; `client(address)` sends requests from that client address."""

    def __init__(self, app: Any, edge: Edge) -> None:
        self.app = app
        self.edge = edge

    def client(self, address: str = "10.0.0.1") -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app, client=(address, 1234))
        return httpx.AsyncClient(transport=transport, base_url="http://router")

    def metric(self, name: str, **labels: str) -> float:
        return self.edge.metrics.registry.get_sample_value(name, labels) or 0.0


@pytest.fixture
def start_router() -> StartRouter:
    """`async with start_router(settings) as router`: the app with its lifespan running."""

    @asynccontextmanager
    async def running(settings: RouterSettings) -> AsyncIterator[RunningRouter]:
        app = create_app(settings)
        async with LifespanManager(app) as manager:
            yield RunningRouter(manager.app, app.state.edge)

    return running
