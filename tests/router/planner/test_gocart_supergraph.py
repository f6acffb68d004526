"""Gocart's own composed supergraph (schema/supergraph.graphql) is understood and plans any operation.

The file belongs to the subgraph platform and changes with it, so this checks properties, not plans.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import parse, validate

from router.planner import QueryPlanner
from router.supergraph import parse_supergraph
from tests.router.operations import RandomOperations

SUPERGRAPH = Path(__file__).resolve().parents[3] / "schema" / "supergraph.graphql"

pytestmark = pytest.mark.skipif(
    not SUPERGRAPH.exists(), reason="schema/supergraph.graphql is not composed yet"
)


def test_every_subgraph_has_a_url() -> None:
    supergraph = parse_supergraph(SUPERGRAPH.read_text(encoding="utf-8"))
    assert supergraph.graphs
    assert all(graph.url for graph in supergraph.graphs.values())


@pytest.mark.parametrize("root", ["query", "mutation"])
def test_random_operations_plan(root: str) -> None:
    supergraph = parse_supergraph(SUPERGRAPH.read_text(encoding="utf-8"))
    root_type = supergraph.api_schema.query_type if root == "query" else supergraph.api_schema.mutation_type
    if root_type is None:
        pytest.skip(f"the supergraph has no {root} type")
    planner = QueryPlanner(supergraph)
    planned = 0
    for seed in range(60):
        operation = RandomOperations(seed, supergraph.api_schema).operation(root_type)
        if root == "mutation":
            operation = "mutation" + operation.removeprefix("query")
        document = parse(operation)
        if validate(supergraph.api_schema, document):
            continue
        planner.build(document)
        planned += 1
    assert planned > 0
