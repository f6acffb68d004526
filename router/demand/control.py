"""Demand control at the edge: each operation's estimated cost against the caller's budget, before any
subgraph is called, and the cost measured on the response after it ran. Both are recorded in metrics."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from router.config import DemandControlSettings
from router.demand.estimates import CostEstimates
from router.errors import RequestError
from router.metrics import RouterMetrics
from router.plan.operation import Operation
from router.supergraph import Supergraph


class CostEstimatedTooExpensive(RequestError):
    """The operation's estimated cost is over the caller's budget (Apollo Router's code)."""

    code = "COST_ESTIMATED_TOO_EXPENSIVE"

    def __init__(self, estimated: int, budget: int) -> None:
        super().__init__(
            f"The operation's estimated cost is {estimated}, over the budget of {budget}: "
            "ask for fewer or smaller lists (a smaller `first`)."
        )
        self.estimated = estimated
        self.budget = budget


def budget_for(settings: DemandControlSettings, subject: str | None) -> int:
    """A signed-in caller (an access token's subject) has the larger budget."""
    return settings.max_cost_authenticated if subject is not None else settings.max_cost_anonymous


def enforce_budget(
    settings: DemandControlSettings,
    metrics: RouterMetrics,
    supergraph: Supergraph,
    operation: Operation,
    variables: Mapping[str, Any],
    subject: str | None,
    estimates: CostEstimates,
) -> int | None:
    """The operation's estimated cost (from `estimates`, so a repeated operation and variables are
    estimated once), recorded; raises `CostEstimatedTooExpensive` over the caller's budget. None when
    demand control is off."""
    if not settings.enabled:
        return None
    estimated = estimates.estimate(supergraph, operation, variables, settings.default_list_size)
    metrics.estimated_cost.observe(estimated)
    budget = budget_for(settings, subject)
    if estimated > budget:
        raise CostEstimatedTooExpensive(estimated, budget)
    return estimated


def record_actual_cost(
    settings: DemandControlSettings,
    metrics: RouterMetrics,
    supergraph: Supergraph,
    operation: Operation,
    variables: Mapping[str, Any],
    data: Any,
    estimates: CostEstimates,
) -> int | None:
    """The cost measured on the response data (with the layouts `estimates` keeps for the operation and
    variables), recorded; None when demand control is off."""
    if not settings.enabled:
        return None
    measured = estimates.measure(supergraph, operation, variables, data)
    metrics.actual_cost.observe(measured)
    return measured
