"""Query planning: from a client operation to a plan of subgraph fetches."""

from router.plan.nodes import (
    ConditionNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    QueryPlan,
    SequenceNode,
)
from router.plan.printer import print_plan, print_plan_compact
from router.planner.planner import QueryPlanner

__all__ = [
    "ConditionNode",
    "FetchNode",
    "FlattenNode",
    "ParallelNode",
    "PlanNode",
    "QueryPlan",
    "QueryPlanner",
    "SequenceNode",
    "print_plan",
    "print_plan_compact",
]
