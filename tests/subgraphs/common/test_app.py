"""The shared app factory: liveness, readiness and the request id that follows a request."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from pydantic import SecretStr

from subgraphs.products.config import ProductsSettings
from subgraphs.products.main import create_app


async def test_health_answers_while_alive(http: httpx.AsyncClient) -> None:
    response = await http.get("/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_ready_checks_database_and_redis(http: httpx.AsyncClient) -> None:
    response = await http.get("/ready")
    assert (response.status_code, response.json()) == (
        200,
        {"status": "ready", "database": "ok", "redis": "ok"},
    )


async def test_the_callers_request_id_is_echoed(http: httpx.AsyncClient) -> None:
    response = await http.get("/health", headers={"x-request-id": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"


async def test_a_request_id_is_made_when_missing_or_unsafe(http: httpx.AsyncClient) -> None:
    response = await http.get("/health", headers={"x-request-id": "bad id\nwith newline"})
    assert response.headers["x-request-id"] != "bad id\nwith newline"
    assert len(response.headers["x-request-id"]) == 32


@pytest.fixture
async def app_without_redis(products_settings: ProductsSettings) -> AsyncIterator[httpx.AsyncClient]:
    settings = products_settings.model_copy(
        update={"redis_url": SecretStr("redis://127.0.0.1:1/0"), "migrate_on_startup": False}
    )
    app = create_app(settings)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://products") as client:
            yield client


async def test_ready_is_503_when_redis_is_unreachable(app_without_redis: httpx.AsyncClient) -> None:
    response = await app_without_redis.get("/ready")
    assert response.status_code == 503
    assert response.json()["redis"].startswith("unreachable")


async def test_queries_still_work_without_redis(app_without_redis: httpx.AsyncClient) -> None:
    response = await app_without_redis.post("/graphql", json={"query": "{ categories { slug } }"})
    assert response.json() == {"data": {"categories": []}}


async def test_metrics_count_requests_and_sql_statements(http: httpx.AsyncClient) -> None:
    await http.post("/graphql", json={"query": '{ productBySku(sku: "X") { id } }'})

    metrics = (await http.get("/metrics")).text

    assert 'gocart_http_requests_total{method="POST",status="200"}' in metrics
    sql = next(line for line in metrics.splitlines() if line.startswith("gocart_sql_statements_total"))
    assert float(sql.split()[-1]) >= 1
