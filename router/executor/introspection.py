"""Answer `__schema` and `__type` from the API schema, without calling any subgraph."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    execute_sync,
)

from router.plan.selection import Field, InlineFragment, Selection

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


def has_introspection(selections: tuple[Selection, ...]) -> bool:
    for selection in selections:
        if isinstance(selection, Field) and selection.name in INTROSPECTION_FIELDS:
            return True
        if isinstance(selection, InlineFragment) and has_introspection(selection.selections):
            return True
    return False


def _only_introspection(selection_set: SelectionSetNode) -> SelectionSetNode:
    kept: list[Any] = []
    for node in selection_set.selections:
        if isinstance(node, FieldNode) and node.name.value in INTROSPECTION_FIELDS:
            kept.append(node)
        elif isinstance(node, InlineFragmentNode):
            kept.append(dataclasses.replace(node, selection_set=_only_introspection(node.selection_set)))
    return dataclasses.replace(selection_set, selections=tuple(kept))


def execute_introspection(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run only the introspection root fields of the operation with graphql-core."""
    definitions = tuple(
        dataclasses.replace(node, selection_set=_only_introspection(node.selection_set))
        if isinstance(node, OperationDefinitionNode)
        else node
        for node in document.definitions
    )
    result = execute_sync(
        schema,
        dataclasses.replace(document, definitions=definitions),
        variable_values=dict(variables),
        operation_name=operation_name,
    )
    errors = [error.formatted for error in result.errors or ()]
    return dict(result.data or {}), [dict(error) for error in errors]
