"""`@external` fields are never fetched from the subgraph that holds them as external, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from router.executor import HttpFetcher
from router.executor.upstream import UpstreamClient
from router.gateway import Gateway, GraphQLRequest
from router.supergraph import parse_supergraph
from tests.router.executor.external_node_subgraphs import external_node_apps
from tests.router.servers import serving
from tests.router.supergraphs.external_node import EXTERNAL_NODE


@pytest.fixture(scope="module")
def external_node_gateway(upstream: UpstreamClient) -> Iterator[Gateway]:
    with serving(external_node_apps()) as urls:
        yield Gateway(parse_supergraph(EXTERNAL_NODE), HttpFetcher(upstream), urls)


async def test_each_member_id_comes_from_the_subgraph_that_resolves_it(
    external_node_gateway: Gateway,
) -> None:
    query = """{
        account: node(id: "a1") { ... on Account { id username } }
        chat: node(id: "c1") { ... on Chat { id text } }
    }"""
    result = await external_node_gateway.execute(GraphQLRequest(query), {})
    assert result == {
        "data": {"account": {"id": "a1", "username": "ann"}, "chat": {"id": "c1", "text": "hello"}}
    }


async def test_fragments_on_the_other_member_come_back_empty(external_node_gateway: Gateway) -> None:
    query = (
        '{ account: node(id: "a1") { ... on Chat { id } } chat: node(id: "c1") { ... on Account { id } } }'
    )
    result = await external_node_gateway.execute(GraphQLRequest(query), {})
    assert result == {"data": {"account": {}, "chat": {}}}


async def test_an_entity_with_an_external_key_is_joined_through_the_owner(
    external_node_gateway: Gateway,
) -> None:
    result = await external_node_gateway.execute(
        GraphQLRequest('{ chat(id: "c1") { id text account { id username chats { id } } } }'), {}
    )
    assert result == {
        "data": {
            "chat": {
                "id": "c1",
                "text": "hello",
                "account": {"id": "a1", "username": "ann", "chats": [{"id": "c1"}]},
            }
        }
    }


async def test_an_operation_only_answerable_from_external_fields_fails_to_plan(
    external_node_gateway: Gateway,
) -> None:
    result = await external_node_gateway.execute(GraphQLRequest('{ node(id: "a1") { id } }'), {})
    assert "data" not in result
    assert [error["extensions"]["code"] for error in result["errors"]] == ["QUERY_PLANNING_FAILED"]
    assert "Account.id" in result["errors"][0]["message"]


async def test_an_entity_fetch_starts_from_the_subgraph_where_the_key_is_not_external(
    external_node_gateway: Gateway,
) -> None:
    query = '{ node(id: "c1") { ... on Chat { text account { username } } } }'
    result = await external_node_gateway.execute(GraphQLRequest(query), {})
    assert result == {"data": {"node": {"text": "hello", "account": {"username": "ann"}}}}
