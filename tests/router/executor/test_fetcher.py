"""`HttpFetcher`: each way a subgraph fetch fails comes out as a `SubgraphFetchError` with its reason
(the label of the router's fetch-error metric) and a message that names no host."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from router.executor import HttpFetcher
from router.executor.fetcher import SubgraphFetchError
from router.executor.upstream import UpstreamClient
from tests.router.executor.raw_http import Server, not_http, ok


@pytest.fixture
async def fetcher() -> AsyncIterator[HttpFetcher]:
    client = UpstreamClient(timeout_seconds=1.0)
    yield HttpFetcher(client)
    client.close()


async def failure_of(fetcher: HttpFetcher, url: str) -> SubgraphFetchError:
    with pytest.raises(SubgraphFetchError) as failed:
        await fetcher.fetch("products", url, {"query": "{ a }"}, {}, operation_kind="query")
    return failed.value


async def test_an_answer_that_is_not_http_is_an_invalid_response(
    server: Server, fetcher: HttpFetcher
) -> None:
    server.answer = not_http
    failure = await failure_of(fetcher, server.url)

    assert failure.reason == "invalid_response"
    assert "127.0.0.1" not in str(failure)


async def test_a_json_answer_that_is_not_graphql_is_an_invalid_response(
    server: Server, fetcher: HttpFetcher
) -> None:
    async def not_graphql(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(ok(b'{"hello": "world"}'))

    server.answer = not_graphql
    assert (await failure_of(fetcher, server.url)).reason == "invalid_response"


async def test_a_subgraph_nobody_listens_for_is_a_connect_failure(fetcher: HttpFetcher) -> None:
    assert (await failure_of(fetcher, "http://127.0.0.1:1/graphql")).reason == "connect"


async def test_a_5xx_answer_is_a_status_failure(server: Server, fetcher: HttpFetcher) -> None:
    async def broken(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n")

    server.answer = broken
    assert (await failure_of(fetcher, server.url)).reason == "status"
