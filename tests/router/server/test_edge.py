"""The edge over HTTP: every default limit refuses just over its bound and accepts at it, without any
subgraph call; CSRF prevention, content types, CORS preflights and batching."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from router.config import CorsSettings, LimitsSettings, RouterSettings
from router.server import create_app
from tests.router.server.counting import CountingApp, subgraph_calls

LIMITS = LimitsSettings(
    max_request_bytes=1_000,
    max_operation_characters=400,
    max_tokens=60,
    max_depth=3,
    max_aliases=2,
    max_root_fields=3,
    max_batch_size=3,
)
ORIGIN = "https://shop.example"


@pytest.fixture(scope="module")
async def edge(supergraph_file: Path, counted_urls: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    settings = RouterSettings(
        supergraph=supergraph_file,
        subgraph_urls=counted_urls,
        limits=LIMITS,
        cors=CorsSettings(allow_origins=(ORIGIN,)),
    )
    async with LifespanManager(create_app(settings)) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://router") as http:
            yield http


async def refused_code(
    http: httpx.AsyncClient, counted: dict[str, CountingApp], query: str, status: int = 400
) -> str:
    """Send the query and return the error code, checking that no subgraph was called."""
    before = subgraph_calls(counted)
    response = await http.post("/graphql", json={"query": query})
    assert response.status_code == status, response.text
    assert subgraph_calls(counted) == before
    code: str = response.json()["errors"][0]["extensions"]["code"]
    return code


async def accepted(http: httpx.AsyncClient, query: str) -> dict[str, Any]:
    response = await http.post("/graphql", json={"query": query})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body


def test_limits_are_on_by_default() -> None:
    limits = RouterSettings().limits
    assert (limits.max_depth, limits.max_aliases, limits.max_root_fields) == (15, 30, 20)
    assert (limits.max_tokens, limits.max_request_bytes, limits.max_batch_size) == (15_000, 2_000_000, 10)


async def test_depth_at_the_limit_is_served(edge: httpx.AsyncClient) -> None:
    await accepted(edge, "{ me { reviews { body } } }")


async def test_depth_over_the_limit_is_refused(
    edge: httpx.AsyncClient, counted: dict[str, CountingApp]
) -> None:
    query = "{ me { reviews { product { name } } } }"
    assert await refused_code(edge, counted, query) == "MAX_DEPTH_LIMIT"


async def test_aliases_at_the_limit_are_served(edge: httpx.AsyncClient) -> None:
    await accepted(edge, "{ a: me { name } b: me { id } }")


async def test_aliases_over_the_limit_are_refused(
    edge: httpx.AsyncClient, counted: dict[str, CountingApp]
) -> None:
    query = "{ a: me { name } b: me { id } c: me { id } }"
    assert await refused_code(edge, counted, query) == "MAX_ALIASES_LIMIT"


async def test_aliases_repeated_through_a_fragment_are_counted_each_time(
    edge: httpx.AsyncClient, counted: dict[str, CountingApp]
) -> None:
    query = "{ me { ...F } x: me { ...F } } fragment F on User { n: name }"
    assert await refused_code(edge, counted, query) == "MAX_ALIASES_LIMIT"


async def test_root_fields_at_the_limit_are_served(edge: httpx.AsyncClient) -> None:
    await accepted(edge, '{ me { id } topProducts { name } product(upc: "p1") { name } }')


async def test_root_fields_over_the_limit_are_refused(
    edge: httpx.AsyncClient, counted: dict[str, CountingApp]
) -> None:
    query = '{ me { id } topProducts { name } product(upc: "p1") { name } __typename }'
    assert await refused_code(edge, counted, query) == "MAX_ROOT_FIELDS_LIMIT"


async def test_tokens_over_the_limit_are_refused(
    edge: httpx.AsyncClient, counted: dict[str, CountingApp]
) -> None:
    query = "{ me { " + "id " * 60 + "} }"
    assert await refused_code(edge, counted, query) == "MAX_TOKENS_LIMIT"


async def test_tokens_at_the_limit_are_served(edge: httpx.AsyncClient) -> None:
    await accepted(edge, "{ me { " + "id " * 55 + "} }")  # 60 tokens with the braces and <EOF>


async def test_characters_over_the_limit_are_refused(
    edge: httpx.AsyncClient, counted: dict[str, CountingApp]
) -> None:
    query = "{ me { id } }" + " " * 400
    assert await refused_code(edge, counted, query) == "MAX_OPERATION_CHARACTERS_LIMIT"


async def test_a_body_over_the_limit_is_a_413(
    edge: httpx.AsyncClient, counted: dict[str, CountingApp]
) -> None:
    query = "{ me { id } }" + " " * 1_000
    assert await refused_code(edge, counted, query, status=413) == "INVALID_GRAPHQL_REQUEST"


async def test_a_body_at_the_limit_is_read(edge: httpx.AsyncClient) -> None:
    body = b'{"query": "{ me { id } }"}'
    padded = body[:-1] + b" " * (1_000 - len(body)) + b"}"
    response = await edge.post("/graphql", content=padded, headers={"content-type": "application/json"})
    assert response.json() == {"data": {"me": {"id": "1"}}}


async def test_a_text_plain_mutation_is_refused_as_csrf(
    edge: httpx.AsyncClient, counted: dict[str, CountingApp]
) -> None:
    before = subgraph_calls(counted)
    response = await edge.post(
        "/graphql",
        content=b'{"query": "mutation { login(username: \\"ada\\") { name } }"}',
        headers={"content-type": "text/plain"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_REQUIRED"
    assert subgraph_calls(counted) == before


async def test_a_get_without_a_preflight_header_is_refused_as_csrf(edge: httpx.AsyncClient) -> None:
    response = await edge.get("/graphql", params={"query": "{ me { id } }"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_REQUIRED"


async def test_a_get_with_a_preflight_header_is_served(edge: httpx.AsyncClient) -> None:
    response = await edge.get(
        "/graphql", params={"query": "{ me { id } }"}, headers={"apollo-require-preflight": "true"}
    )
    assert response.json() == {"data": {"me": {"id": "1"}}}


async def test_a_post_that_is_not_json_is_a_415(edge: httpx.AsyncClient) -> None:
    response = await edge.post(
        "/graphql",
        content=b"query=%7B%20me%20%7B%20id%20%7D%20%7D",
        headers={"content-type": "application/x-www-form-urlencoded", "apollo-require-preflight": "true"},
    )
    assert response.status_code == 415
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_CONTENT_TYPE_HEADER"


async def test_a_preflight_from_an_allowed_origin_passes(edge: httpx.AsyncClient) -> None:
    response = await edge.options(
        "/graphql",
        headers={
            "origin": ORIGIN,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type,authorization",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "authorization" in response.headers["access-control-allow-headers"].lower()
    assert response.headers["access-control-max-age"] == "600"


async def test_a_preflight_from_another_origin_gets_no_cors_headers(edge: httpx.AsyncClient) -> None:
    response = await edge.options(
        "/graphql",
        headers={"origin": "https://evil.example", "access-control-request-method": "POST"},
    )
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_a_request_from_an_allowed_origin_may_read_the_answer(edge: httpx.AsyncClient) -> None:
    response = await edge.post("/graphql", json={"query": "{ me { id } }"}, headers={"origin": ORIGIN})
    assert response.headers["access-control-allow-origin"] == ORIGIN


async def test_a_batch_answers_each_operation_in_order(edge: httpx.AsyncClient) -> None:
    batch = [
        {"query": "{ me { name } }"},
        {"query": "query ($upc: String!) { product(upc: $upc) { name } }", "variables": {"upc": "p3"}},
        {"query": "{ me { nope } }"},
    ]
    response = await edge.post("/graphql", json=batch)
    assert response.status_code == 200
    first, second, third = response.json()
    assert first == {"data": {"me": {"name": "Ada Lovelace"}}}
    assert second == {"data": {"product": {"name": "Chair"}}}
    assert third["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_batch_over_its_bound_is_refused(
    edge: httpx.AsyncClient, counted: dict[str, CountingApp]
) -> None:
    before = subgraph_calls(counted)
    response = await edge.post("/graphql", json=[{"query": "{ me { id } }"}] * 4)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BATCH_LIMIT_EXCEEDED"
    assert subgraph_calls(counted) == before


async def test_refusals_are_counted_in_metrics(
    edge: httpx.AsyncClient, counted: dict[str, CountingApp]
) -> None:
    await refused_code(edge, counted, "{ a: me { id } b: me { id } c: me { id } }")
    metrics = (await edge.get("/metrics")).text
    assert 'gocart_router_rejections_total{code="MAX_ALIASES_LIMIT"}' in metrics
