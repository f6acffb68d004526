"""Turn a finished fetch group into an immutable FetchNode with the operation text sent on the wire."""

from __future__ import annotations

import re
from collections.abc import Iterable

from graphql import print_ast

from router.plan.nodes import FetchNode
from router.plan.operation import Operation
from router.plan.selection import print_compact, variables_used
from router.planner.emit.conflicts import separate_conflicts
from router.planner.resolvability.resolution import Resolution
from router.planner.walk.groups import FetchGroup


def _variable_definitions(
    operation: Operation, names: tuple[str, ...], *, entities: bool, contextual: tuple[str, ...] = ()
) -> str:
    definitions = ["$representations: [_Any!]!", *contextual] if entities else []
    by_name = {definition.variable.name.value: definition for definition in operation.variable_definitions}
    definitions.extend(print_ast(by_name[name]) for name in names if name in by_name)
    return f"({', '.join(definitions)})" if definitions else ""


def _operation_name(operation: Operation, group: FetchGroup) -> str | None:
    """`{Operation}__{subgraph}__{n}` for named client operations, so subgraph logs can be correlated."""
    if not operation.name:
        return None
    return f"{operation.name}__{re.sub(r'[^_0-9A-Za-z]', '_', group.subgraph)}__{group.id}"


def fetch_node(group: FetchGroup, operation: Operation, resolution: Resolution) -> FetchNode:
    selections, renames = separate_conflicts(
        group.selection.freeze(), operation.root_type, group.subgraph, resolution, entities=group.is_entity
    )
    usages = variables_used(selections)
    contexts = tuple(rewrite for name, rewrite in group.context_rewrites.items() if name in usages)
    usages = tuple(name for name in usages if name not in group.context_rewrites)
    kind = operation.kind if not group.is_entity else "query"
    contextual = tuple(f"${rewrite.variable}: {rewrite.type_ref}" for rewrite in contexts)
    variables = _variable_definitions(operation, usages, entities=group.is_entity, contextual=contextual)
    name = _operation_name(operation, group)
    if group.is_entity:
        body = "{ _entities(representations: $representations) " + print_compact(selections) + " }"
    else:
        body = print_compact(selections)
    return FetchNode(
        service_name=group.subgraph,
        operation_kind=kind,
        selections=selections,
        operation=f"{kind}{' ' + name if name else ''}{variables} {body}",
        operation_name=name,
        variable_usages=usages,
        requires=group.inputs.freeze() if group.is_entity else (),
        typename_rewrites=tuple(sorted(group.typename_rewrites)),
        renames=renames,
        context_rewrites=contexts,
    )


def emit_fetches(
    groups: Iterable[FetchGroup], operation: Operation, resolution: Resolution
) -> dict[int, FetchNode]:
    """Stage 4 of planning: the fetch node of every group with something to fetch, by group id."""
    return {group.id: fetch_node(group, operation, resolution) for group in groups if group.selection}
