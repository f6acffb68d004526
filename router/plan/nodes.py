"""Query plan nodes, modelled on Apollo's QueryPlan: immutable, so plans can be cached and shared."""

from __future__ import annotations

from dataclasses import dataclass

from router.plan.context_rewrites import ContextRewrite
from router.plan.operation import Operation
from router.plan.selection import Selection


@dataclass(frozen=True, slots=True)
class KeyRename:
    """In objects at `path` of a subgraph response, move `alias` back to `key`."""

    path: tuple[str, ...]
    alias: str
    key: str


@dataclass(frozen=True, slots=True)
class FetchNode:
    """One request to one subgraph.

    For entity fetches `requires` holds the representation shape (`... on T { __typename id }`) and
    `selections` the fragments asked of `_entities`; `typename_rewrites` lists the input types whose
    representations must carry that type's name as `__typename` (`@interfaceObject` targets);
    `renames` undo the aliases that keep differently typed fields apart in the subgraph operation;
    `context_rewrites` say where each entity's `@fromContext` variables are read (`context.py`).
    """

    service_name: str
    operation_kind: str
    selections: tuple[Selection, ...]
    operation: str
    variable_usages: tuple[str, ...] = ()
    requires: tuple[Selection, ...] = ()
    typename_rewrites: tuple[str, ...] = ()
    renames: tuple[KeyRename, ...] = ()
    operation_name: str | None = None
    context_rewrites: tuple[ContextRewrite, ...] = ()


@dataclass(frozen=True, slots=True)
class FlattenNode:
    """Run `node` for every object at `path` (`@` stands for each element of a list)."""

    path: tuple[str, ...]
    node: PlanNode


@dataclass(frozen=True, slots=True)
class SequenceNode:
    nodes: tuple[PlanNode, ...]


@dataclass(frozen=True, slots=True)
class ParallelNode:
    nodes: tuple[PlanNode, ...]


@dataclass(frozen=True, slots=True)
class ConditionNode:
    """Run `if_clause` when the boolean variable `condition` is true, else `else_clause`."""

    condition: str
    if_clause: PlanNode | None
    else_clause: PlanNode | None


PlanNode = FetchNode | FlattenNode | SequenceNode | ParallelNode | ConditionNode


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """The plan of one operation; `operation` is kept to shape the response exactly as asked."""

    operation: Operation
    node: PlanNode | None


def sequence(nodes: list[PlanNode]) -> PlanNode | None:
    """A Sequence of the nodes, flattening nested Sequences and dropping a one-node wrapper."""
    flat: list[PlanNode] = []
    for node in nodes:
        flat.extend(node.nodes if isinstance(node, SequenceNode) else (node,))
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else SequenceNode(tuple(flat))


def parallel(nodes: list[PlanNode]) -> PlanNode | None:
    """A Parallel of the nodes, flattening nested Parallels and dropping a one-node wrapper."""
    flat: list[PlanNode] = []
    for node in nodes:
        flat.extend(node.nodes if isinstance(node, ParallelNode) else (node,))
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else ParallelNode(tuple(flat))
