"""Fixtures: the shop subgraphs served over HTTP, and a gateway (router core) in front of them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest

from router.executor import HttpFetcher
from router.executor.upstream import UpstreamClient
from router.gateway import Gateway
from router.supergraph import parse_supergraph
from testbed.shop_subgraphs import shop_apps
from testbed.shop_supergraph import SHOP
from tests.router.executor.distributed_subgraphs import distributed_apps
from tests.router.executor.faulty_subgraphs import faulty_apps
from tests.router.executor.media_subgraphs import media_apps
from tests.router.executor.mismatch_subgraphs import mismatch_apps
from tests.router.executor.parent_entity_subgraphs import deep_parent_entity_apps, parent_entity_apps
from tests.router.executor.progressive_subgraphs import progressive_apps
from tests.router.executor.provides_choice_subgraphs import provides_choice_apps
from tests.router.executor.raw_http import Server
from tests.router.executor.requires_arguments_subgraphs import requires_arguments_apps
from tests.router.executor.requires_subgraphs import requires_apps
from tests.router.executor.scripted_subgraphs import scripted_apps, scripted_supergraph
from tests.router.executor.shared_root_subgraphs import shared_root_apps
from tests.router.servers import serving
from tests.router.supergraphs.abstract import ABSTRACT
from tests.router.supergraphs.distributed import DISTRIBUTED
from tests.router.supergraphs.faulty import FAULTY
from tests.router.supergraphs.mismatch import MISMATCH
from tests.router.supergraphs.parent_entity import PARENT_ENTITY, PARENT_ENTITY_DEEP
from tests.router.supergraphs.provides_choice import PROVIDES_CHOICE
from tests.router.supergraphs.requires import REQUIRES, REQUIRES_ARGUMENTS
from tests.router.supergraphs.shareable import SHARED_ROOT


@pytest.fixture(scope="session")
def shop_urls() -> Iterator[dict[str, str]]:
    with serving(shop_apps()) as urls:
        yield urls


@pytest.fixture(scope="session")
async def upstream() -> AsyncIterator[UpstreamClient]:
    client = UpstreamClient()  # idle connections dropped before the servers' keep-alive ends
    yield client
    client.close()


@pytest.fixture(scope="session")
def shop_gateway(shop_urls: dict[str, str], upstream: UpstreamClient) -> Gateway:
    return Gateway(parse_supergraph(SHOP), HttpFetcher(upstream), shop_urls)


@pytest.fixture(scope="session")
def scripted_urls() -> Iterator[dict[str, str]]:
    with serving(scripted_apps()) as urls:
        yield urls


@pytest.fixture(scope="session")
def scripted_gateway(scripted_urls: dict[str, str], upstream: UpstreamClient) -> Gateway:
    supergraph = parse_supergraph(scripted_supergraph(scripted_urls))
    return Gateway(supergraph, HttpFetcher(upstream), scripted_urls)


@pytest.fixture(scope="session")
def media_gateway(upstream: UpstreamClient) -> Iterator[Gateway]:
    with serving(media_apps()) as urls:
        yield Gateway(parse_supergraph(ABSTRACT), HttpFetcher(upstream), urls)


@pytest.fixture(scope="session")
def mismatch_gateway(upstream: UpstreamClient) -> Iterator[Gateway]:
    with serving(mismatch_apps()) as urls:
        yield Gateway(parse_supergraph(MISMATCH), HttpFetcher(upstream), urls)


@pytest.fixture(scope="session")
def parent_entity_gateway(upstream: UpstreamClient) -> Iterator[Gateway]:
    with serving(parent_entity_apps()) as urls:
        yield Gateway(parse_supergraph(PARENT_ENTITY), HttpFetcher(upstream), urls)


@pytest.fixture(scope="session")
def deep_parent_entity_gateway(upstream: UpstreamClient) -> Iterator[Gateway]:
    with serving(deep_parent_entity_apps()) as urls:
        yield Gateway(parse_supergraph(PARENT_ENTITY_DEEP), HttpFetcher(upstream), urls)


@pytest.fixture(scope="session")
def requires_gateway(upstream: UpstreamClient) -> Iterator[Gateway]:
    with serving(requires_apps()) as urls:
        yield Gateway(parse_supergraph(REQUIRES), HttpFetcher(upstream), urls)


@pytest.fixture(scope="session")
def requires_arguments_gateway(upstream: UpstreamClient) -> Iterator[Gateway]:
    with serving(requires_arguments_apps()) as urls:
        yield Gateway(parse_supergraph(REQUIRES_ARGUMENTS), HttpFetcher(upstream), urls)


@pytest.fixture(scope="session")
def provides_choice_gateway(upstream: UpstreamClient) -> Iterator[Gateway]:
    with serving(provides_choice_apps()) as urls:
        yield Gateway(parse_supergraph(PROVIDES_CHOICE), HttpFetcher(upstream), urls)


@pytest.fixture(scope="session")
def shared_root_gateway(upstream: UpstreamClient) -> Iterator[Gateway]:
    with serving(shared_root_apps()) as urls:
        yield Gateway(parse_supergraph(SHARED_ROOT), HttpFetcher(upstream), urls)


@pytest.fixture(scope="session")
def distributed_gateway(upstream: UpstreamClient) -> Iterator[Gateway]:
    with serving(distributed_apps()) as urls:
        yield Gateway(parse_supergraph(DISTRIBUTED), HttpFetcher(upstream), urls)


@pytest.fixture(scope="session")
def faulty_gateway(upstream: UpstreamClient) -> Iterator[Gateway]:
    with serving(faulty_apps()) as urls:
        yield Gateway(parse_supergraph(FAULTY), HttpFetcher(upstream), urls)


@pytest.fixture(scope="session")
def progressive_urls() -> Iterator[dict[str, str]]:
    with serving(progressive_apps()) as urls:
        yield urls


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    """A raw HTTP server answering as each test scripts it (tests/router/executor/raw_http.py)."""
    served = Server()
    listening = await asyncio.start_server(served.serve, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    served.url = f"http://127.0.0.1:{port}/graphql?debug=1"
    yield served
    listening.close()
