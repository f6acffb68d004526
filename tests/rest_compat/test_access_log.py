"""The REST layer logs one access line per request, and gives each request an id that it echoes and
passes on to the router (a stand-in over real HTTP that records what it was sent)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import structlog
from asgi_lifespan import LifespanManager
from fastapi import FastAPI, Request

from rest_compat.app import create_app
from rest_compat.config import RestSettings
from tests.support.servers import serve

EMPTY_PAGE = {"products": {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}}


class RecordingRouter:
    """A router stand-in that answers every operation with an empty product page."""

    def __init__(self) -> None:
        self.request_ids: list[str | None] = []
        self.app = FastAPI()

        @self.app.post("/graphql")
        async def graphql(request: Request) -> dict[str, Any]:
            self.request_ids.append(request.headers.get("x-request-id"))
            return {"data": EMPTY_PAGE}


@pytest.fixture
async def router() -> AsyncIterator[tuple[RecordingRouter, str]]:
    recording = RecordingRouter()
    async with serve(recording.app) as base_url:
        yield recording, f"{base_url}/graphql"


@asynccontextmanager
async def rest_client(router_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(RestSettings(router_url=router_url))
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://rest") as client,
    ):
        yield client


@pytest.fixture
async def rest_layer(router: tuple[RecordingRouter, str]) -> AsyncIterator[httpx.AsyncClient]:
    async with rest_client(router[1]) as client:
        yield client


@pytest.fixture
async def rest_without_router() -> AsyncIterator[httpx.AsyncClient]:
    async with rest_client("http://127.0.0.1:1/graphql") as client:
        yield client


def access_lines(logs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in logs if line["event"] == "request"]


def captured_logs() -> Any:
    """structlog's lines while active, with the request's bound context (its id) in each."""
    return structlog.testing.capture_logs(processors=[structlog.contextvars.merge_contextvars])


async def test_a_request_logs_one_access_line_with_method_path_status_duration_and_id(
    rest_layer: httpx.AsyncClient,
) -> None:
    with captured_logs() as logs:
        response = await rest_layer.get("/products?limit=5", headers={"x-request-id": "legacy-client-42"})

    assert response.status_code == 200
    [line] = access_lines(logs)
    assert {key: line[key] for key in ("log_level", "method", "path", "status", "request_id")} == {
        "log_level": "info",
        "method": "GET",
        "path": "/products",
        "status": 200,
        "request_id": "legacy-client-42",
    }
    assert line["duration_ms"] >= 0


async def test_the_request_id_is_echoed_and_passed_on_to_the_router(
    rest_layer: httpx.AsyncClient, router: tuple[RecordingRouter, str]
) -> None:
    response = await rest_layer.get("/products?limit=5", headers={"x-request-id": "legacy-client-43"})

    assert response.headers["x-request-id"] == "legacy-client-43"
    assert router[0].request_ids == ["legacy-client-43"]


async def test_a_request_without_a_sane_id_gets_a_new_one(
    rest_layer: httpx.AsyncClient, router: tuple[RecordingRouter, str]
) -> None:
    response = await rest_layer.get("/products?limit=5", headers={"x-request-id": "not a sane id" * 20})

    given = response.headers["x-request-id"]
    assert len(given) == 32
    assert router[0].request_ids == [given]


async def test_a_failed_request_is_logged_with_the_status_it_answered(
    rest_without_router: httpx.AsyncClient,
) -> None:
    with captured_logs() as logs:
        response = await rest_without_router.get("/products")

    assert response.status_code == 503
    assert [line["status"] for line in access_lines(logs)] == [503]


async def test_health_checks_are_logged_at_debug_only(rest_layer: httpx.AsyncClient) -> None:
    with captured_logs() as logs:
        await rest_layer.get("/health")

    assert [line["log_level"] for line in access_lines(logs)] == ["debug"]
