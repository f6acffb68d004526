"""Estimated costs, and what measuring the actual cost compiles, kept per prepared operation and
variables.

The estimate is a pure function of the supergraph, the normalized operation, the coerced variables and
the default list size, and most requests repeat an operation with the same variables (often none), so
each distinct combination is estimated once. The actual cost walks each response, but what it compiles
from the selections (grouped fields, coerced arguments, weights) depends on the operation and variables
only: kept too, it is most of the measure's work (72 against 28 us for the orders page of
bench/federation.py). Variables that cannot be frozen into a hashable key (a custom scalar's unhashable
value) are estimated, and compiled for the measure, every time.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from router.cache import LruCache
from router.demand.cost import MeasureLayouts, actual_cost, estimate_cost
from router.plan.operation import Operation
from router.supergraph import Supergraph


def frozen_variables(variables: Mapping[str, Any]) -> Hashable | None:
    """A hashable key equal for equal variables of equal types (`1`, `1.0` and `True` stay apart); None
    when some value cannot be hashed."""
    try:
        frozen = _freeze(variables)
        hash(frozen)
    except TypeError:
        return None
    return frozen


def _freeze(value: Any) -> Hashable:
    if isinstance(value, Mapping):
        return (dict, tuple(sorted((key, _freeze(item)) for key, item in value.items())))
    if isinstance(value, list | tuple):
        return (list, tuple(_freeze(item) for item in value))
    return (type(value), value)


MAX_KEPT_LAYOUTS = 256
"""Layouts kept for one operation and variables at most; more (only a response with many distinct
`__typename`s makes them) and they are dropped, to be compiled again."""


@dataclass(frozen=True, slots=True)
class _Estimate:
    """The objects the key names by identity are kept here, so their ids stay theirs while it lives."""

    supergraph: Supergraph
    operation: Operation
    cost: int


@dataclass(frozen=True, slots=True)
class _Measured:
    """The measure's compiled layouts for one operation and variables, with what the key names."""

    supergraph: Supergraph
    operation: Operation
    layouts: MeasureLayouts


class CostEstimates:
    """An LRU of estimates, and one of the actual-cost measure's layouts. Operations are keyed by
    identity (the gateway's plan cache hands out the same `Operation` for the same document), which is
    cheaper than hashing their syntax trees."""

    def __init__(self, capacity: int = 1024) -> None:
        self._estimates: LruCache[Hashable, _Estimate] = LruCache(capacity)
        self._measured: LruCache[Hashable, _Measured] = LruCache(capacity)

    def estimate(
        self,
        supergraph: Supergraph,
        operation: Operation,
        variables: Mapping[str, Any],
        default_list_size: int,
    ) -> int:
        """`estimate_cost(...)`, from the cache when the same operation came with the same variables;
        raises `CostEstimationFailed` as it does (a failure is not kept)."""
        frozen = frozen_variables(variables)
        if frozen is None:
            return estimate_cost(supergraph, operation, variables, default_list_size)
        key = (id(supergraph), id(operation), default_list_size, frozen)
        cached = self._estimates.get(key)
        if cached is not None and cached.supergraph is supergraph and cached.operation is operation:
            return cached.cost
        cost = estimate_cost(supergraph, operation, variables, default_list_size)
        self._estimates.put(key, _Estimate(supergraph, operation, cost))
        return cost

    def measure(
        self, supergraph: Supergraph, operation: Operation, variables: Mapping[str, Any], data: Any
    ) -> int:
        """`actual_cost(...)` of a response, compiling the operation's layouts once per variables."""
        frozen = frozen_variables(variables)
        if frozen is None:
            return actual_cost(supergraph, operation, variables, data)
        key = (id(supergraph), id(operation), frozen)
        kept = self._measured.get(key)
        if kept is None or kept.supergraph is not supergraph or kept.operation is not operation:
            kept = _Measured(supergraph, operation, {})
            self._measured.put(key, kept)
        cost = actual_cost(supergraph, operation, variables, data, kept.layouts)
        if len(kept.layouts) > MAX_KEPT_LAYOUTS:
            kept.layouts.clear()
        return cost

    def __len__(self) -> int:
        return len(self._estimates)
