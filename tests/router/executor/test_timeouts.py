"""A subgraph slower than the router's timeout yields partial data and a service error, not a hang."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import orjson
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from router.executor import HttpFetcher
from router.executor.upstream import UpstreamClient
from router.gateway import Gateway, GraphQLRequest
from router.supergraph import parse_supergraph
from tests.router.executor.scripted_subgraphs import catalog, scripted_app, scripted_supergraph
from tests.router.servers import serving


async def _slow(request: Request) -> Response:
    await asyncio.sleep(0.5)
    return Response(orjson.dumps({"data": {"_entities": []}}), media_type="application/json")


@pytest.fixture(scope="module")
def slow_urls() -> Iterator[dict[str, str]]:
    apps = {
        "catalog": scripted_app(catalog),
        "details": Starlette(routes=[Route("/graphql", _slow, methods=["POST"])]),
    }
    with serving(apps) as urls:
        yield urls


async def test_slow_subgraph_times_out_into_a_service_error(slow_urls: dict[str, str]) -> None:
    client = UpstreamClient(timeout_seconds=0.1)
    gateway = Gateway(parse_supergraph(scripted_supergraph(slow_urls)), HttpFetcher(client), slow_urls)
    result = await gateway.execute(GraphQLRequest('{ items(scenario: "slow") { name detail } }'), {})
    client.close()
    assert result["data"]["items"] == [{"name": f"item {i}", "detail": None} for i in range(3)]
    [error] = result["errors"]
    assert error["extensions"] == {"code": "SUBREQUEST_HTTP_ERROR", "serviceName": "details"}
