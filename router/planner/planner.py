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
        builder = PlanBuilder(self._resolution, operation)
        builder.build()
        for group in builder.groups:
            group.flatten_path = builder.type_conditions.flatten_path(group)
        all_groups = fold_into_later_fetches(builder.groups)
        if operation.kind == "mutation":
            steps: list[PlanNode] = []
            for index, root in enumerate(builder.root_groups):
                groups = [group for group in all_groups if builder.root_of[group.id] == index]
                step = schedule(groups, [root], operation, self._resolution)
                if step is not None:
                    steps.append(step)
            return QueryPlan(operation, sequence(steps))
        return QueryPlan(operation, schedule(all_groups, builder.root_groups, operation, self._resolution))
