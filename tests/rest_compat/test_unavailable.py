"""A router that answers UNAVAILABLE, or none at all: 503 with `Retry-After` and the documented JSON body.

The router here is a stand-in over real HTTP that answers one fixed GraphQL response, so the REST
layer's mapping is tested alone; tests/faults/test_postgres_down.py runs the same through the real
router and subgraphs with PostgreSQL stopped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from rest_compat.app import create_app
from rest_compat.config import RestSettings
from tests.support.servers import serve

UNAVAILABLE_MESSAGE = "The database is unavailable right now; try again shortly."
RestClient = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


def answering(error: dict[str, Any]) -> FastAPI:
    """A router stand-in whose every answer is `error`, as the router reports a subgraph's error."""
    app = FastAPI()

    @app.post("/graphql")
    async def graphql() -> JSONResponse:
        return JSONResponse({"data": None, "errors": [error]})

    return app


@asynccontextmanager
async def rest_in_front_of(router: FastAPI, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(router) as router_url:
        app = create_app(RestSettings(router_url=f"{router_url}/graphql", **settings))
        async with (
            LifespanManager(app) as manager,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=manager.app), base_url="http://rest"
            ) as client,
        ):
            yield client


def unavailable(**extensions: Any) -> dict[str, Any]:
    return {
        "message": UNAVAILABLE_MESSAGE,
        "path": ["products"],
        "extensions": {"code": "UNAVAILABLE", "serviceName": "products", **extensions},
    }


async def test_unavailable_from_the_router_is_503_with_the_configured_retry_after() -> None:
    async with rest_in_front_of(answering(unavailable()), unavailable_retry_after_seconds=7) as rest:
        response = await rest.get("/products")

    assert response.status_code == 503
    assert response.headers["retry-after"] == "7"
    assert response.json() == {"error": UNAVAILABLE_MESSAGE, "code": "UNAVAILABLE"}


async def test_a_retry_after_seconds_hint_becomes_the_retry_after_header_in_whole_seconds() -> None:
    async with rest_in_front_of(answering(unavailable(retryAfterSeconds=2.5))) as rest:
        response = await rest.get("/products")

    assert response.status_code == 503
    assert response.headers["retry-after"] == "3"
    assert response.json()["retryAfterSeconds"] == 2.5


async def test_a_router_that_cannot_be_reached_is_503_with_retry_after() -> None:
    app = create_app(RestSettings(router_url="http://127.0.0.1:1/graphql"))
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://rest") as rest,
    ):
        response = await rest.get("/products")

    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json() == {"error": "The GraphQL router is unavailable.", "code": "UNAVAILABLE"}


async def test_errors_that_retrying_cannot_fix_carry_no_retry_after() -> None:
    not_found = {"message": "There is no such product.", "extensions": {"code": "NOT_FOUND"}}
    async with rest_in_front_of(answering(not_found)) as rest:
        response = await rest.get("/products")

    assert response.status_code == 404
    assert "retry-after" not in response.headers


async def test_a_subgraph_the_router_cannot_reach_is_503_with_retry_after() -> None:
    down = {
        "message": "HTTP fetch failed from 'products': the subgraph could not be reached",
        "path": ["products"],
        "extensions": {"code": "SUBREQUEST_HTTP_ERROR", "serviceName": "products"},
    }
    async with rest_in_front_of(answering(down), unavailable_retry_after_seconds=4) as rest:
        response = await rest.get("/products")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "4"
    assert response.json()["code"] == "SUBREQUEST_HTTP_ERROR"
