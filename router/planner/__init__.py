"""Query planning: from a client operation to a plan of subgraph fetches."""

from router.planner.plan import (
    ConditionNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    QueryPlan,
    SequenceNode,
)
from router.planner.planner import QueryPlanner
from router.planner.printer import print_plan, print_plan_compact

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
