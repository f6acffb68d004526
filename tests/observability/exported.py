"""Every metric name a Gocart process exports, as Prometheus reads it (a counter `x` as `x_total`, a
histogram as `x_bucket`, `x_count`, `x_sum`), from the metrics classes themselves."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from rest_compat.metrics import RestMetrics
from router.metrics import RouterMetrics
from subgraphs.common.metrics import SubgraphMetrics
from subgraphs.orders.bulkhead import Bulkhead
from subgraphs.orders.call_metrics import ProductsCallMetrics
from subgraphs.users.throttle.metrics import LoginThrottleMetrics

SUFFIXES = {
    "counter": ("_total", "_created"),
    "gauge": ("",),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
}


def registries() -> list[CollectorRegistry]:
    subgraph = SubgraphMetrics()  # the orders and users processes add theirs to the subgraph's registry
    ProductsCallMetrics(subgraph.registry, Bulkhead(limit=1, max_waiting=1, max_wait_seconds=1))
    LoginThrottleMetrics(subgraph.registry)
    return [RouterMetrics().registry, RestMetrics().registry, subgraph.registry]


def exported_names() -> set[str]:
    return {
        f"{family.name}{suffix}"
        for registry in registries()
        for family in registry.collect()
        for suffix in SUFFIXES.get(family.type, ("",))
    }
