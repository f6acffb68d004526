"""The router keeps no cookies from subgraphs: a `Set-Cookie` one caller's fetch brought back must never
ride along on another caller's fetch (the connection pool is shared by every client of the router)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from router.config import TrafficShaping
from router.executor.traffic import TrafficFetcher
from router.metrics import RouterMetrics
from tests.router.servers import serving

QUERY = {"query": "{ __typename }"}


class CookieSetter:
    """A subgraph that sets a session cookie on every answer and notes each request's Cookie header."""

    def __init__(self) -> None:
        self.cookies_received: list[str | None] = []

    async def graphql(self, request: Request) -> JSONResponse:
        self.cookies_received.append(request.headers.get("cookie"))
        response = JSONResponse({"data": {"__typename": "Query"}})
        response.set_cookie("session", "first-callers-session")
        return response


@pytest.fixture(scope="module")
def subgraph() -> CookieSetter:
    return CookieSetter()


@pytest.fixture(scope="module")
def url(subgraph: CookieSetter) -> Iterator[str]:
    app = Starlette(routes=[Route("/graphql", subgraph.graphql, methods=["POST"])])
    with serving({"cookies": app}) as urls:
        # By name, as subgraphs are addressed in a deployment (cookie jars ignore cookies of IP hosts).
        yield urls["cookies"].replace("127.0.0.1", "localhost")


async def test_a_cookie_a_subgraph_set_is_not_sent_on_later_fetches(subgraph: CookieSetter, url: str) -> None:
    async with TrafficFetcher(TrafficShaping(), RouterMetrics(), {"cookies": url}) as fetcher:
        for _ in range(2):
            await fetcher.fetch("cookies", url, QUERY, {}, operation_kind="query")

    assert subgraph.cookies_received == [None, None]
