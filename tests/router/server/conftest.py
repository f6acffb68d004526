"""Fixtures: the router's ASGI app, started with its lifespan, in front of the shop subgraphs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from router.config import RouterSettings
from router.server import create_app
from testbed.shop_subgraphs import shop_apps
from testbed.shop_supergraph import SHOP
from tests.router.server.counting import CountingApp
from tests.router.servers import serving


@pytest.fixture(scope="session")
def supergraph_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("router") / "supergraph.graphql"
    path.write_text(SHOP, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def subgraph_urls() -> Iterator[dict[str, str]]:
    with serving(shop_apps()) as urls:
        yield urls


@pytest.fixture(scope="module")
def counted() -> dict[str, CountingApp]:
    """The shop subgraphs, each counting the requests it is sent."""
    return {name: CountingApp(app) for name, app in shop_apps().items()}


@pytest.fixture(scope="module")
def counted_urls(counted: dict[str, CountingApp]) -> Iterator[dict[str, str]]:
    with serving(dict(counted)) as urls:
        yield urls


@pytest.fixture(scope="session")
def settings(supergraph_file: Path, subgraph_urls: dict[str, str]) -> RouterSettings:
    return RouterSettings(supergraph=supergraph_file, subgraph_urls=subgraph_urls, expose_query_plan=True)


@pytest.fixture(scope="session")
async def client(settings: RouterSettings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://router") as http:
            yield http
