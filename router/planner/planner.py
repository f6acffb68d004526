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
        self._resolutions = {frozenset[str](): Resolution(supergraph)}
        self._labels = frozenset[str]().union(*supergraph.override_labels().values())
        self._root_types = {
            kind: name
            for kind in ("query", "mutation", "subscription")
            if (name := supergraph.root_type(kind)) is not None
        }

    def build(
        self,
        document: DocumentNode,
        operation_name: str | None = None,
        override_labels: frozenset[str] = frozenset(),
    ) -> QueryPlan:
        """Plan the named (or only) operation of a document already validated against the API schema."""
        return self.plan(self.normalize(document, operation_name), override_labels)

    def normalize(self, document: DocumentNode, operation_name: str | None = None) -> Operation:
        """The named (or only) operation, fragments inlined: what limits are checked on before planning."""
        return normalize_operation(document, operation_name, self._root_types)

    def plan(self, operation: Operation, override_labels: frozenset[str] = frozenset()) -> QueryPlan:
        """Plan an operation from `normalize`, with the progressive-override labels in force for it
        (chosen per request outside the planner, `router/overrides/`)."""
        resolution = self._resolution_for(override_labels)
        walked = walk(resolution, operation)
        for group in walked.groups:
            group.flatten_path = walked.flatten_paths[group.id]
        groups = fold_into_later_fetches(walked.groups)
        fetches = emit_fetches(groups, operation, resolution)
        if operation.kind != "mutation":
            return QueryPlan(operation, schedule(groups, walked.roots, fetches))
        steps: list[PlanNode] = []
        for index, root in enumerate(walked.roots):
            of_root = [group for group in groups if walked.root_of[group.id] == index]
            step = schedule(of_root, [root], fetches)
            if step is not None:
                steps.append(step)
        return QueryPlan(operation, sequence(steps))

    def _resolution_for(self, override_labels: frozenset[str]) -> Resolution:
        """One `Resolution` per set of the supergraph's labels (labels it does not have change nothing)."""
        override_labels = override_labels & self._labels
        resolution = self._resolutions.get(override_labels)
        if resolution is None:
            resolution = Resolution(self.supergraph, override_labels)
            self._resolutions[override_labels] = resolution
        return resolution
