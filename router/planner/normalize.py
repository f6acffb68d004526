"""Stage 1 of planning, normalize: the operation to plan, named fragments inlined, constant skip/include
applied, so that every later stage sees only fields and inline fragments."""

from __future__ import annotations

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

from router.errors import BadRequest, SupergraphError
from router.plan.operation import Operation, select_operation
from router.plan.selection import Field, InlineFragment, Selection


def _constant_verdict(directives: tuple[DirectiveNode, ...]) -> tuple[bool, tuple[DirectiveNode, ...]]:
    """Whether constant skip/include keep the selection, and the directives left to evaluate later."""
    remaining: list[DirectiveNode] = []
    for directive in directives:
        value = next((arg.value for arg in directive.arguments or () if arg.name.value == "if"), None)
        if directive.name.value in ("skip", "include") and isinstance(value, BooleanValueNode):
            if value.value != (directive.name.value == "include"):
                return False, ()
            continue
        remaining.append(directive)
    return True, tuple(remaining)


class _Normalizer:
    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            node.name.value: node for node in document.definitions if isinstance(node, FragmentDefinitionNode)
        }

    def selections(self, selection_set: SelectionSetNode | None) -> tuple[Selection, ...]:
        result: list[Selection] = []
        for node in selection_set.selections if selection_set else ():
            keep, directives = _constant_verdict(tuple(node.directives or ()))
            if not keep:
                continue
            if isinstance(node, FieldNode):
                result.append(
                    Field(
                        name=node.name.value,
                        alias=node.alias.value if node.alias else None,
                        arguments=tuple(node.arguments or ()),
                        directives=directives,
                        selections=self.selections(node.selection_set),
                    )
                )
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition.name.value if node.type_condition else None
                result.append(InlineFragment(condition, directives, self.selections(node.selection_set)))
            elif isinstance(node, FragmentSpreadNode):
                fragment = self.fragments[node.name.value]
                result.append(
                    InlineFragment(
                        fragment.type_condition.name.value,
                        directives,
                        self.selections(fragment.selection_set),
                    )
                )
        return tuple(result)


def normalize_operation(
    document: DocumentNode, operation_name: str | None, root_types: dict[str, str]
) -> Operation:
    """The named (or only) operation of a validated document, normalized."""
    operation = select_operation(document, operation_name)
    kind = operation.operation.value
    if kind not in root_types:
        raise BadRequest(f"The schema has no {kind} type.")
    return Operation(
        kind=kind,
        name=operation.name.value if operation.name else None,
        root_type=root_types[kind],
        selections=_Normalizer(document).selections(operation.selection_set),
        variable_definitions=tuple(operation.variable_definitions or ()),
    )


def parse_field_set(field_set: str) -> tuple[Selection, ...]:
    """Selections of a federation field set such as a key (`id org { id }`) or a `@requires`."""
    document = parse("{" + field_set + "}")
    operation = document.definitions[0]
    if not isinstance(operation, OperationDefinitionNode):
        raise SupergraphError(f"{field_set!r} is not a field set.")
    return _Normalizer(document).selections(operation.selection_set)
