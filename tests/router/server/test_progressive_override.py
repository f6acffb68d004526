"""Progressive @override through the router's HTTP edge: one draw per HTTP request (a batch's
operations all see it), and the override header read under the name the settings give it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from router.config import ProgressiveOverrideSettings, RouterSettings
from router.server import create_app
from tests.router.executor.progressive_subgraphs import (
    LEGACY_PRICE,
    LEGACY_STOCK,
    MODERN_PRICE,
    MODERN_STOCK,
    progressive_apps,
)
from tests.router.servers import serving
from tests.router.supergraphs.progressive import PROGRESSIVE

PRICE = {"query": "{ item { price } }"}
STOCK = {"query": "{ item { stock } }"}


@pytest.fixture(scope="module")
def progressive_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    path = tmp_path_factory.mktemp("progressive") / "supergraph.graphql"
    path.write_text(PROGRESSIVE, encoding="utf-8")
    with serving(progressive_apps()) as urls:

        def build(**override: Any) -> RouterSettings:
            return RouterSettings(
                supergraph=Path(path),
                subgraph_urls=urls,
                rate_limit={"enabled": False},
                progressive_override=ProgressiveOverrideSettings.model_validate(override),
            )

        yield build


@asynccontextmanager
async def router(settings: RouterSettings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://router") as client:
            yield client


async def test_the_operations_of_a_batch_share_one_draw(progressive_settings: Any) -> None:
    outcomes = set()
    async with router(progressive_settings(seed=5)) as client:
        for _ in range(40):
            response = await client.post("/graphql", json=[PRICE, PRICE, PRICE])
            outcomes.add(tuple(answer["data"]["item"]["price"] for answer in response.json()))
    assert outcomes == {(LEGACY_PRICE,) * 3, (MODERN_PRICE,) * 3}


async def test_the_override_header_is_read_under_its_configured_name(progressive_settings: Any) -> None:
    settings = progressive_settings(header="x-rollout", header_labels=["new-stock"])
    async with router(settings) as client:
        renamed = await client.post("/graphql", json=STOCK, headers={"x-rollout": "new-stock"})
        default_name = await client.post(
            "/graphql", json=STOCK, headers={"x-gocart-override-labels": "new-stock"}
        )
    assert renamed.json() == {"data": {"item": {"stock": MODERN_STOCK}}}
    assert default_name.json() == {"data": {"item": {"stock": LEGACY_STOCK}}}
