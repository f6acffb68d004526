"""Type-conditioned Flatten paths over real HTTP: only the members that need a fetch are sent to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from router.executor.upstream import UpstreamClient
from router.gateway import Gateway, GraphQLRequest
from router.supergraph import parse_supergraph
from tests.router.executor.counting_fetcher import CountingFetcher
from tests.router.executor.type_conditions_subgraphs import type_conditions_apps
from tests.router.servers import serving
from tests.router.supergraphs.type_conditions import TYPE_CONDITIONS

_QUERY = "{ media { ... on Book { author { bio } } ... on Movie { author { __typename id name } } } }"


@pytest.fixture(scope="module")
def type_conditions_urls() -> Iterator[dict[str, str]]:
    with serving(type_conditions_apps()) as urls:
        yield urls


@pytest.fixture
def fetcher(upstream: UpstreamClient) -> CountingFetcher:
    return CountingFetcher(upstream)


@pytest.fixture
def gateway(type_conditions_urls: dict[str, str], fetcher: CountingFetcher) -> Gateway:
    return Gateway(parse_supergraph(TYPE_CONDITIONS), fetcher, type_conditions_urls)


async def test_members_under_one_key_are_merged_from_their_own_fetches(gateway: Gateway) -> None:
    result = await gateway.execute(GraphQLRequest(_QUERY), {})
    assert result == {
        "data": {
            "media": [
                {"author": {"bio": "Wrote Earthsea."}},
                {"author": {"__typename": "Person", "id": "u2", "name": "Hayao"}},
            ]
        }
    }


async def test_only_the_conditioned_members_objects_are_sent_as_representations(
    gateway: Gateway, fetcher: CountingFetcher
) -> None:
    await gateway.execute(GraphQLRequest(_QUERY), {})
    assert [(name, variables["representations"]) for name, variables in fetcher.sent] == [
        ("people", [{"__typename": "Person", "id": "u1"}])
    ]
