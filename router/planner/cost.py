"""The cost the planner compares choices by, after Apollo's query planner.

Apollo ranks plans by the number of fetches first (each subgraph call costs far more than anything in
it), then by how many fetches must wait for one another (the depth of the critical path: latency), then
by how much is fetched. The planner here chooses greedily, so it estimates that cost for the part of the
operation a choice decides (a root field's subgraph, an entity jump's target) rather than for whole plans.
"""

from __future__ import annotations

from dataclasses import dataclass

DETOUR_FETCHES = 10
"""Fetches charged for a field whose parent the subgraph cannot leave through a key (a value type): it
needs a parent entity call through an ancestor, or cannot be planned from there at all."""

LATER_FIELD_WEIGHT = 2
"""A field fetched by a fetch that waits for another counts this many times, as later stages weigh more
in Apollo's cost: of two choices fetching as much, the one doing more in the earlier fetch wins."""


@dataclass(frozen=True, order=True, slots=True, kw_only=True)
class PlanCost:
    """What a choice adds to the plan, compared field by field in this order."""

    fetches: int = 0
    """Subgraph fetches the choice needs beyond the one it is in."""
    depth: int = 0
    """Of those, the most that must run one after another."""
    fields: int = 0
    """Fields selected, keys and `__typename` of representations included (see LATER_FIELD_WEIGHT)."""

    def __add__(self, other: PlanCost) -> PlanCost:
        """Both parts of one selection: their fetches and fields add up; they wait in parallel."""
        depth = max(self.depth, other.depth)
        return PlanCost(fetches=self.fetches + other.fetches, depth=depth, fields=self.fields + other.fields)

    def with_fetch(self, *, after: bool) -> PlanCost:
        """One more fetch, run after everything counted so far (`after`) or beside it."""
        depth = self.depth + 1 if after else self.depth
        return PlanCost(fetches=self.fetches + 1, depth=depth, fields=self.fields)


@dataclass(frozen=True, order=True, slots=True, kw_only=True)
class RouteCost:
    """How a subgraph ranks for an entity jump (or a root field, with no key to find): a key at hand
    first, then the plan cost, then supergraph order, so that choices are deterministic."""

    key_hops: int
    """0 when the current fetch can select a key the target accepts, 1 when that key needs a hop."""
    plan: PlanCost
    graph_order: int
