"""Seeded random operations executed against real subgraphs: no errors, and exactly the shape asked for.

A subgraph rejects any fetch the planner got wrong (unknown field, invalid fragment, bad variable), and
shaping must answer every requested response key, so both kinds of mistake surface here.
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import FieldNode, InlineFragmentNode, OperationDefinitionNode, SelectionSetNode, parse

from router.gateway import Gateway, GraphQLRequest
from tests.router.operations import RandomOperations

OPERATIONS = 25


def _assert_shape(selection_set: SelectionSetNode, value: Any) -> None:
    """Every field asked on an object is answered; nothing else is (fragments may not apply)."""
    if value is None:
        return
    if isinstance(value, list):
        for item in value:
            _assert_shape(selection_set, item)
        return
    assert isinstance(value, dict)
    asked: set[str] = set()
    certain: set[str] = set()
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            key = selection.alias.value if selection.alias else selection.name.value
            asked.add(key)
            certain.add(key)
            if selection.selection_set is not None:
                _assert_shape(selection.selection_set, value.get(key))
        elif isinstance(selection, InlineFragmentNode):
            for inner in selection.selection_set.selections:
                if isinstance(inner, FieldNode):
                    asked.add(inner.alias.value if inner.alias else inner.name.value)
    assert certain <= set(value) <= asked


@pytest.fixture(params=["shop", "media", "parent_entity", "shared_root"])
def gateway(
    request: pytest.FixtureRequest,
    shop_gateway: Gateway,
    media_gateway: Gateway,
    parent_entity_gateway: Gateway,
    shared_root_gateway: Gateway,
) -> Gateway:
    gateways = {
        "shop": shop_gateway,
        "media": media_gateway,
        "parent_entity": parent_entity_gateway,
        "shared_root": shared_root_gateway,
    }
    return gateways[request.param]


async def test_random_operations_execute_without_errors(gateway: Gateway) -> None:
    query_type = gateway.supergraph.api_schema.query_type
    assert query_type is not None
    generator = RandomOperations(seed=len(gateway.supergraph.sdl))
    for _ in range(OPERATIONS):
        query = generator.selection(query_type, depth=3)
        result = await gateway.execute(GraphQLRequest(query), {})
        assert "errors" not in result, (query, result)
        operation = parse(query).definitions[0]
        assert isinstance(operation, OperationDefinitionNode)
        _assert_shape(operation.selection_set, result["data"])
