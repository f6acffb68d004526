"""`QueryPlanner`: the pure entry point from a validated operation to a `QueryPlan`."""

from __future__ import annotations

from graphql import DocumentNode

from router.planner.build import PlanBuilder
from router.planner.fold import fold_into_later_fetches
from router.planner.operation import Operation, normalize_operation
from router.planner.plan import PlanNode, QueryPlan, sequence
from router.planner.resolution import Resolution
from router.planner.schedule import schedule
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
        builder = PlanBuilder(resolution, operation)
        builder.build()
        all_groups = fold_into_later_fetches(builder.groups)
        if operation.kind == "mutation":
            steps: list[PlanNode] = []
            for index, root in enumerate(builder.root_groups):
                groups = [group for group in all_groups if builder.root_of[group.id] == index]
                step = schedule(groups, [root], operation, resolution)
                if step is not None:
                    steps.append(step)
            return QueryPlan(operation, sequence(steps))
        return QueryPlan(operation, schedule(all_groups, builder.root_groups, operation, resolution))

    def _resolution_for(self, override_labels: frozenset[str]) -> Resolution:
        """One `Resolution` per set of the supergraph's labels (labels it does not have change nothing)."""
        override_labels = override_labels & self._labels
        resolution = self._resolutions.get(override_labels)
        if resolution is None:
            resolution = Resolution(self.supergraph, override_labels)
            self._resolutions[override_labels] = resolution
        return resolution
