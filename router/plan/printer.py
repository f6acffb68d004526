"""Render a query plan in Apollo's text form, so tests can assert whole plans and humans can read them."""

from __future__ import annotations

from collections.abc import Iterator

from router.plan.nodes import (
    ConditionNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    QueryPlan,
    SequenceNode,
)
from router.plan.selection import print_indented

_STEP = "  "


def print_plan(plan: QueryPlan) -> str:
    """The plan as Apollo prints it: `QueryPlan { Sequence { Fetch(service: "a") { ... }, ... } }`."""
    if plan.node is None:
        return "QueryPlan {\n}"
    return "\n".join(["QueryPlan {", *_node(plan.node, _STEP), "}"])


def print_plan_compact(plan: QueryPlan) -> str:
    """The plan on one line (for an HTTP header)."""
    return " ".join(line.strip() for line in print_plan(plan).splitlines())


def _node(node: PlanNode, indent: str) -> Iterator[str]:
    if isinstance(node, FetchNode):
        yield from _fetch(node, indent)
    elif isinstance(node, FlattenNode):
        path = ".".join(node.path)
        yield f'{indent}Flatten(path: "{path}") {{'
        yield from _node(node.node, indent + _STEP)
        yield f"{indent}}},"
    elif isinstance(node, SequenceNode | ParallelNode):
        yield f"{indent}{'Sequence' if isinstance(node, SequenceNode) else 'Parallel'} {{"
        for child in node.nodes:
            yield from _node(child, indent + _STEP)
        yield f"{indent}}},"
    else:
        yield from _condition(node, indent)


def _fetch(node: FetchNode, indent: str) -> Iterator[str]:
    """Inputs (for entity fetches) and the selection set; like Apollo, the operation kind is not shown."""
    inner = indent + _STEP
    yield f'{indent}Fetch(service: "{node.service_name}") {{'
    if node.requires:
        lines = list(print_indented(node.requires, inner))
        yield inner + lines[0]
        yield from lines[1:-1]
        yield lines[-1] + " =>"
    lines = list(print_indented(node.selections, inner))
    yield inner + lines[0]
    yield from lines[1:]
    yield f"{indent}}},"


def _condition(node: ConditionNode, indent: str) -> Iterator[str]:
    inner = indent + _STEP
    if node.else_clause is None and node.if_clause is not None:
        yield f"{indent}Include(if: ${node.condition}) {{"
        yield from _node(node.if_clause, inner)
    elif node.if_clause is None and node.else_clause is not None:
        yield f"{indent}Skip(if: ${node.condition}) {{"
        yield from _node(node.else_clause, inner)
    else:
        yield f"{indent}Condition(if: ${node.condition}) {{"
        for label, clause in (("Then", node.if_clause), ("Else", node.else_clause)):
            if clause is not None:
                yield f"{inner}{label} {{"
                yield from _node(clause, inner + _STEP)
                yield f"{inner}}}"
    yield f"{indent}}},"
