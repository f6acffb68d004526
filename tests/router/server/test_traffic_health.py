"""The app wires traffic shaping from its settings: a subgraph that is down opens its breaker, which
`/health` and `/metrics` show while the router stays UP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from router.config import BreakerSettings, RetrySettings, RouterSettings, TrafficSettings, TrafficShaping
from router.server import create_app
from tests.router.servers import free_port

QUERY = {"query": "{ me { name reviews { body } } }"}


@pytest.fixture
async def reviews_down(
    supergraph_file: Path, subgraph_urls: dict[str, str]
) -> AsyncIterator[httpx.AsyncClient]:
    reviews = TrafficSettings(breaker=BreakerSettings(failure_threshold=1), retry=RetrySettings(attempts=0))
    settings = RouterSettings(
        supergraph=supergraph_file,
        subgraph_urls={**subgraph_urls, "reviews": f"http://127.0.0.1:{free_port()}/graphql"},
        traffic_shaping=TrafficShaping(subgraphs={"reviews": reviews}),
    )
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://router") as http:
            yield http


async def test_health_shows_the_open_breaker_of_a_subgraph_that_is_down(
    reviews_down: httpx.AsyncClient,
) -> None:
    answer = (await reviews_down.post("/graphql", json=QUERY)).json()
    assert answer["data"]["me"] == {"name": "Ada Lovelace", "reviews": None}
    assert [error["message"] for error in answer["errors"]] == [
        "HTTP fetch failed from 'reviews': the subgraph could not be reached"
    ]
    health = await reviews_down.get("/health")
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "UP"
    assert body["subgraphs"] == {
        "accounts": {"breaker": "closed"},
        "inventory": {"breaker": "closed"},
        "products": {"breaker": "closed"},
        "reviews": {"breaker": "open"},
    }


async def test_metrics_show_the_breaker_state_and_the_failure(reviews_down: httpx.AsyncClient) -> None:
    await reviews_down.post("/graphql", json=QUERY)
    exported = (await reviews_down.get("/metrics")).text
    assert 'gocart_router_subgraph_breaker_state{subgraph="reviews"} 2.0' in exported
    assert 'gocart_router_subgraph_breaker_state{subgraph="accounts"} 0.0' in exported
    assert 'gocart_router_subgraph_fetch_errors_total{reason="connect",subgraph="reviews"} 1.0' in exported
