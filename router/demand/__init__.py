"""Demand control: an operation's cost estimated from `@cost`/`@listSize`, enforced against a budget."""

from router.demand.control import CostEstimatedTooExpensive, budget_for, enforce_budget, record_actual_cost
from router.demand.cost import CostEstimationFailed, actual_cost, estimate_cost
from router.demand.estimates import CostEstimates

__all__ = [
    "CostEstimatedTooExpensive",
    "CostEstimates",
    "CostEstimationFailed",
    "actual_cost",
    "budget_for",
    "enforce_budget",
    "estimate_cost",
    "record_actual_cost",
]
