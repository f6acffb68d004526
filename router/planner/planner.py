"""`QueryPlanner`: the pure entry point from a validated operation to a `QueryPlan`.

Planning runs five stages, each a module with a typed result:

1. normalize (`normalize.py`): document -> `Operation`, fragments inlined, constant skip/include applied;
2. walk (`walk/`): `Operation` -> `FetchGroups`, every field assigned to a fetch of one subgraph;
3. fold (`fold.py`): entity fetches merged into a later fetch to the same subgraph at the same path;
4. emit fetches (`emit/`): each group -> a `FetchNode` with the operation text sent to its subgraph;
5. schedule (`schedule.py`): the fetch nodes arranged by dependency into Sequence/Parallel/Flatten/
   Condition nodes, the `QueryPlan`.
"""

from __future__ import annotations

from graphql import DocumentNode

from router.plan.nodes import PlanNode, QueryPlan, sequence
from router.plan.operation import Operation
from router.planner.emit.fetch import emit_fetches
from router.planner.fold import fold_into_later_fetches
from router.planner.normalize import normalize_operation
from router.planner.resolvability.resolution import Resolution
from router.planner.schedule import schedule
from router.planner.walk.walker import walk
from router.supergraph.model import Supergraph


class QueryPlanner:
    """Plans operations against one supergraph. Deterministic and free of I/O."""

    def __init__(self, supergraph: Supergraph) -> None:
        self.supergraph = supergraph
        self._resolution = Resolution(supergraph)
        self._root_types = {
            kind: name
            for kind in ("query", "mutation", "subscription")
            if (name := supergraph.root_type(kind)) is not None
        }

    def build(self, document: DocumentNode, operation_name: str | None = None) -> QueryPlan:
        """Plan the named (or only) operation of a document already validated against the API schema."""
        return self.plan(self.normalize(document, operation_name))

    def normalize(self, document: DocumentNode, operation_name: str | None = None) -> Operation:
        """The named (or only) operation, fragments inlined: what limits are checked on before planning."""
        return normalize_operation(document, operation_name, self._root_types)

    def plan(self, operation: Operation) -> QueryPlan:
        """Plan an operation from `normalize`."""
        walked = walk(self._resolution, operation)
        groups = fold_into_later_fetches(walked.groups)
        fetches = emit_fetches(groups, operation, self._resolution)
        if operation.kind != "mutation":
            return QueryPlan(operation, schedule(groups, walked.roots, fetches))
        steps: list[PlanNode] = []
        for index, root in enumerate(walked.roots):
            of_root = [group for group in groups if walked.root_of[group.id] == index]
            step = schedule(of_root, [root], fetches)
            if step is not None:
                steps.append(step)
        return QueryPlan(operation, sequence(steps))
