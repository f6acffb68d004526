"""Unions whose members differ per subgraph, and fields narrowed per subgraph, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from router.executor import HttpFetcher
from router.executor.upstream import UpstreamClient
from router.gateway import Gateway, GraphQLRequest
from router.supergraph import parse_supergraph
from tests.router.executor.union_members_subgraphs import union_members_apps
from tests.router.servers import serving
from tests.router.supergraphs.union_members import UNION_MEMBERS


@pytest.fixture(scope="module")
def union_members_gateway(upstream: UpstreamClient) -> Iterator[Gateway]:
    with serving(union_members_apps()) as urls:
        yield Gateway(parse_supergraph(UNION_MEMBERS), HttpFetcher(upstream), urls)


async def test_a_root_field_narrowed_in_the_subgraph_is_answered_without_foreign_fragments(
    union_members_gateway: Gateway,
) -> None:
    query = "{ book { __typename ... on Song { title } ... on Book { title aTitle } } }"
    result = await union_members_gateway.execute(GraphQLRequest(query), {})
    assert result == {"data": {"book": {"__typename": "Book", "title": "Dune", "aTitle": "A: Dune"}}}


async def test_a_nested_field_narrowed_in_the_subgraph_is_answered_without_foreign_fragments(
    union_members_gateway: Gateway,
) -> None:
    query = "{ viewer { book { ... on Song { title } ... on Book { aTitle } } } }"
    result = await union_members_gateway.execute(GraphQLRequest(query), {})
    assert result == {"data": {"viewer": {"book": {"aTitle": "A: Dune"}}}}


async def test_a_member_the_answering_subgraph_lacks_stays_absent(union_members_gateway: Gateway) -> None:
    result = await union_members_gateway.execute(GraphQLRequest("{ aMedia { ... on Movie { title } } }"), {})
    assert result == {"data": {"aMedia": {}}}


async def test_each_subgraph_answers_for_its_own_members(union_members_gateway: Gateway) -> None:
    query = "{ viewer { aMedia { ... on Movie { title } } bMedia { ... on Movie { title } } } }"
    result = await union_members_gateway.execute(GraphQLRequest(query), {})
    assert result == {"data": {"viewer": {"aMedia": {}, "bMedia": {"title": "Alien"}}}}


async def test_a_shareable_union_field_answers_the_member_it_returns(union_members_gateway: Gateway) -> None:
    query = "{ media { __typename ... on Movie { title } ... on Book { title } } }"
    result = await union_members_gateway.execute(GraphQLRequest(query), {})
    assert result == {"data": {"media": {"__typename": "Book", "title": "Dune"}}}


async def test_fields_of_a_known_member_are_joined_from_the_other_subgraph(
    union_members_gateway: Gateway,
) -> None:
    query = "{ aMedia { ... on Book { title aTitle bTitle } } }"
    result = await union_members_gateway.execute(GraphQLRequest(query), {})
    assert result == {"data": {"aMedia": {"title": "Dune", "aTitle": "A: Dune", "bTitle": "B: Dune"}}}
