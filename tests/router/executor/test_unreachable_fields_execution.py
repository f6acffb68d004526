"""Fields no route reaches answer `QUERY_PLANNING_FAILED` naming the field; the rest runs over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from router.executor import HttpFetcher
from router.executor.upstream import UpstreamClient
from router.gateway import Gateway, GraphQLRequest
from router.supergraph import parse_supergraph
from tests.router.executor.interface_object_only_subgraphs import interface_object_only_apps
from tests.router.servers import serving
from tests.router.supergraphs.interface_object_only import INTERFACE_OBJECT_ONLY


@pytest.fixture(scope="module")
def interface_object_only_gateway(upstream: UpstreamClient) -> Iterator[Gateway]:
    with serving(interface_object_only_apps()) as urls:
        yield Gateway(parse_supergraph(INTERFACE_OBJECT_ONLY), HttpFetcher(upstream), urls)


async def test_the_interface_object_answers_its_own_root_field(
    interface_object_only_gateway: Gateway,
) -> None:
    result = await interface_object_only_gateway.execute(GraphQLRequest("{ b { id field } }"), {})
    assert result == {"data": {"b": {"id": "n1", "field": "foo"}}}


async def test_reachable_fields_of_the_type_are_answered(interface_object_only_gateway: Gateway) -> None:
    result = await interface_object_only_gateway.execute(GraphQLRequest("{ breads { id flour } }"), {})
    assert result == {"data": {"breads": [{"id": "r1", "flour": "rye"}]}}


@pytest.mark.parametrize(
    ("query", "field"),
    [("{ breads { flour oven } }", "Bread.oven"), ("{ a { id field } }", "Node.field")],
)
async def test_a_field_no_route_reaches_fails_to_plan_naming_it(
    interface_object_only_gateway: Gateway, query: str, field: str
) -> None:
    result = await interface_object_only_gateway.execute(GraphQLRequest(query), {})
    assert [error["extensions"]["code"] for error in result["errors"]] == ["QUERY_PLANNING_FAILED"]
    assert field in result["errors"][0]["message"]
    assert "data" not in result
