"""The operation model: a client operation after normalization, and its variable-driven conditions.

Normalizing (`router.planner.normalize`) picks the operation by name, inlines named fragments and applies
constant `@skip`/`@include`; the planner, limits, demand control and response shaping all read the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    OperationDefinitionNode,
    VariableDefinitionNode,
    VariableNode,
)

from router.errors import BadRequest
from router.plan.selection import Selection


@dataclass(frozen=True, slots=True)
class Operation:
    """The operation to execute, in normalized form."""

    kind: str
    name: str | None
    root_type: str
    selections: tuple[Selection, ...]
    variable_definitions: tuple[VariableDefinitionNode, ...]


@dataclass(frozen=True, slots=True)
class Conditional:
    """A `@skip`/`@include` whose `if` is a variable: `passes_when` is the value that keeps the selection."""

    variable: str
    passes_when: bool


def select_operation(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode:
    operations = [node for node in document.definitions if isinstance(node, OperationDefinitionNode)]
    if operation_name:
        for operation in operations:
            if operation.name and operation.name.value == operation_name:
                return operation
        raise BadRequest(f'Unknown operation named "{operation_name}".')
    if len(operations) != 1:
        raise BadRequest("Must provide operation name if query contains multiple operations.")
    return operations[0]


def conditionals(directives: tuple[DirectiveNode, ...]) -> tuple[Conditional, ...]:
    """The variable-driven skip/include conditions among the directives."""
    found: list[Conditional] = []
    for directive in directives:
        if directive.name.value not in ("skip", "include"):
            continue
        value = next((arg.value for arg in directive.arguments or () if arg.name.value == "if"), None)
        if isinstance(value, VariableNode):
            found.append(Conditional(value.name.value, directive.name.value == "include"))
    return tuple(found)


def included(directives: tuple[DirectiveNode, ...], variables: Mapping[str, Any]) -> bool:
    """Whether `@skip`/`@include` keep a selection for these variables (the constant ones were already
    applied when normalizing); for shaping the response and for estimating its cost alike."""
    for directive in directives:
        name = directive.name.value
        if name not in ("skip", "include"):
            continue
        argument = next((arg for arg in directive.arguments or () if arg.name.value == "if"), None)
        if argument is None:
            continue
        value = argument.value
        condition = (
            variables.get(value.name.value)
            if isinstance(value, VariableNode)
            else getattr(value, "value", None)
        )
        if bool(condition) != (name == "include"):
            return False
    return True
