"""Seeded random operations executed against real subgraphs: no errors, and exactly the shape asked for.

A subgraph rejects any fetch the planner got wrong (unknown field, invalid fragment, bad variable), and
shaping must answer every requested response key, so both kinds of mistake surface here.
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import (
    FieldNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
    print_ast,
    validate,
)

from router.gateway import Gateway, GraphQLRequest
from tests.router.operations import RandomOperations

pytestmark = pytest.mark.slow  # executes hundreds of generated operations per supergraph

OPERATIONS = 30


def _fields(selection_set: SelectionSetNode, *, through_fragments: bool) -> list[FieldNode]:
    fields: list[FieldNode] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if "@include(if: false)" not in print_ast(selection).split("{")[0]:
                fields.append(selection)
        elif isinstance(selection, InlineFragmentNode) and through_fragments:
            fields.extend(_fields(selection.selection_set, through_fragments=True))
    return fields


def _key(field: FieldNode) -> str:
    return field.alias.value if field.alias else field.name.value


def _assert_shape(selection_set: SelectionSetNode, value: Any) -> None:
    """Every field asked outside fragments is answered; nothing that was not asked is.

    The random operations only exclude fields with a literal `@include(if: false)` (their variables
    default to including), so those are the only fields that may be missing.
    """
    if value is None:
        return
    if isinstance(value, list):
        for item in value:
            _assert_shape(selection_set, item)
        return
    assert isinstance(value, dict)
    possible = _fields(selection_set, through_fragments=True)
    certain = {_key(field) for field in _fields(selection_set, through_fragments=False)}
    assert certain <= set(value) <= {_key(field) for field in possible}
    for field in possible:
        if field.selection_set is not None and _key(field) in value:
            _assert_shape(field.selection_set, value[_key(field)])


@pytest.fixture(
    params=[
        "shop",
        "media",
        "parent_entity",
        "deep_parent_entity",
        "shared_root",
        "requires",
        "requires_arguments",
        "provides_choice",
        "mismatch",
        "distributed",
    ]
)
def gateway(
    request: pytest.FixtureRequest,
    shop_gateway: Gateway,
    media_gateway: Gateway,
    parent_entity_gateway: Gateway,
    deep_parent_entity_gateway: Gateway,
    shared_root_gateway: Gateway,
    requires_gateway: Gateway,
    requires_arguments_gateway: Gateway,
    provides_choice_gateway: Gateway,
    mismatch_gateway: Gateway,
    distributed_gateway: Gateway,
) -> Gateway:
    gateways = {
        "shop": shop_gateway,
        "media": media_gateway,
        "parent_entity": parent_entity_gateway,
        "deep_parent_entity": deep_parent_entity_gateway,
        "shared_root": shared_root_gateway,
        "requires": requires_gateway,
        "requires_arguments": requires_arguments_gateway,
        "provides_choice": provides_choice_gateway,
        "mismatch": mismatch_gateway,
        "distributed": distributed_gateway,
    }
    return gateways[request.param]


async def test_random_operations_execute_without_errors(gateway: Gateway) -> None:
    query_type = gateway.supergraph.api_schema.query_type
    assert query_type is not None
    generator = RandomOperations(seed=len(gateway.supergraph.sdl), schema=gateway.supergraph.api_schema)
    for _ in range(OPERATIONS):
        query = generator.operation(query_type)
        if validate(gateway.supergraph.api_schema, parse(query)):
            continue
        result = await gateway.execute(GraphQLRequest(query), {})
        assert "errors" not in result, (query, result)
        operation = parse(query).definitions[0]
        assert isinstance(operation, OperationDefinitionNode)
        _assert_shape(operation.selection_set, result["data"])
