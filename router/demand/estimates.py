"""Estimated costs kept per prepared operation and variables.

The estimate is a pure function of the supergraph, the normalized operation, the coerced variables and
the default list size, and most requests repeat an operation with the same variables (often none), so
each distinct combination is estimated once. Variables that cannot be frozen into a hashable key (a
custom scalar's unhashable value) are estimated every time.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from router.cache import LruCache
from router.demand.cost import estimate_cost
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


@dataclass(frozen=True, slots=True)
class _Estimate:
    """The objects the key names by identity are kept here, so their ids stay theirs while it lives."""

    supergraph: Supergraph
    operation: Operation
    cost: int


class CostEstimates:
    """An LRU of estimates. Operations are keyed by identity (the gateway's plan cache hands out the
    same `Operation` for the same document), which is cheaper than hashing their syntax trees."""

    def __init__(self, capacity: int = 1024) -> None:
        self._estimates: LruCache[Hashable, _Estimate] = LruCache(capacity)

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

    def __len__(self) -> int:
        return len(self._estimates)
