"""What the orders subgraph's `/metrics` tells about its calls to products: how many are in flight and
waiting in the bulkhead's line, and how many were refused without being sent, and why."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

from subgraphs.orders.bulkhead import Bulkhead


class ProductsCallMetrics:
    def __init__(self, registry: CollectorRegistry, bulkhead: Bulkhead) -> None:
        self.refused = Counter(
            "gocart_orders_products_calls_refused",
            "Calls to products refused before being sent: circuit_open, queue_full or queue_timeout.",
            ["reason"],
            registry=registry,
        )
        in_flight = Gauge(
            "gocart_orders_products_calls_in_flight", "Calls to products in flight.", registry=registry
        )
        in_flight.set_function(lambda: bulkhead.in_flight)
        waiting = Gauge(
            "gocart_orders_products_calls_waiting",
            "Calls to products waiting for a slot in the bulkhead.",
            registry=registry,
        )
        waiting.set_function(lambda: bulkhead.waiting)

    def count_refusal(self, reason: str) -> None:
        self.refused.labels(reason).inc()
