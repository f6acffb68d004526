"""The smoke check a reloaded supergraph must pass: a valid API schema, and every root field plans."""

from __future__ import annotations

from pathlib import Path

import pytest

from router.planner import QueryPlanner
from router.server.smoke import SmokeCheckFailed, smoke_check, smoke_operation
from router.supergraph import Supergraph, parse_supergraph
from testbed.sdl import supergraph_sdl
from testbed.shop_supergraph import GRAPHS, TYPES
from tests.router.server.reloading import shop_supergraph

GOCART_SUPERGRAPH = Path(__file__).resolve().parents[3] / "schema" / "supergraph.graphql"


def check(supergraph: Supergraph) -> None:
    smoke_check(supergraph.api_schema, QueryPlanner(supergraph))


def query_field_operation(supergraph: Supergraph, name: str) -> str:
    query_type = supergraph.api_schema.query_type
    assert query_type is not None
    return smoke_operation("query", name, query_type.fields[name])


def test_required_arguments_are_given_variables() -> None:
    supergraph = parse_supergraph(shop_supergraph())
    operation = query_field_operation(supergraph, "search")
    assert operation == "query Smoke($filter: ProductFilter!) { search(filter: $filter) { __typename } }"


def test_arguments_with_a_default_are_left_out() -> None:
    supergraph = parse_supergraph(shop_supergraph())
    assert query_field_operation(supergraph, "topProducts") == "query Smoke { topProducts { __typename } }"


def test_a_leaf_root_field_selects_nothing_below_it() -> None:
    sdl = supergraph_sdl({"a": "http://a/graphql"}, "type Query @join__type(graph: A) { version: String }")
    assert query_field_operation(parse_supergraph(sdl), "version") == "query Smoke { version }"


def test_the_shop_supergraph_passes() -> None:
    check(parse_supergraph(shop_supergraph()))


@pytest.mark.skipif(not GOCART_SUPERGRAPH.exists(), reason="schema/supergraph.graphql is not composed yet")
def test_gocart_supergraph_passes() -> None:
    check(parse_supergraph(GOCART_SUPERGRAPH.read_text(encoding="utf-8")))


def test_a_root_field_no_subgraph_resolves_is_named() -> None:
    supergraph = parse_supergraph(shop_supergraph(accounts_in_query=False))
    with pytest.raises(
        SmokeCheckFailed, match=r"^Query\.me cannot be planned: no subgraph resolves Query\.me$"
    ):
        check(supergraph)


def test_an_invalid_api_schema_is_refused() -> None:
    hidden = "  maxPrice: Int @inaccessible\n  nameContains: String @inaccessible\n"
    types = TYPES.replace("  maxPrice: Int\n  nameContains: String\n", hidden)
    assert types != TYPES
    with pytest.raises(SmokeCheckFailed, match="ProductFilter must define one or more fields"):
        check(parse_supergraph(supergraph_sdl(GRAPHS, types)))
