"""The router's Prometheus metrics, one registry per app (so several apps in one process never clash),
served at `GET /metrics`. Label values are bounded: codes, subgraph names and outcomes, never query text.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from observability.metrics import LATENCY_BUCKETS
from observability.names import DEFAULT_LIMIT, BoundedNames

COST_BUCKETS = (1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 100_000)
BREAKER_STATES = {"closed": 0, "half_open": 1, "open": 2}


class RouterMetrics:
    """Every metric the router exports; stages and the fetcher record into it."""

    def __init__(self, *, max_operation_names: int = DEFAULT_LIMIT) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        # The `operation` label: the operation's name as planned (`anonymous` without one, `unknown`
        # when refused before it was planned), the first `max_operation_names` names, then `other`.
        self.operation_names = BoundedNames(limit=max_operation_names)
        self.requests = Counter(
            "gocart_router_requests",
            "GraphQL operations answered (each of a batch), by operation name and outcome "
            "(ok, partial, rejected, error).",
            ["operation", "outcome"],
            registry=self.registry,
        )
        self.request_duration = Histogram(
            "gocart_router_request_duration_seconds",
            "Time from receiving a GraphQL request to its answer, by operation name and outcome.",
            ["operation", "outcome"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "gocart_router_requests_in_flight",
            "GraphQL HTTP requests being served now.",
            registry=self.registry,
        )
        self.plan_cache = Counter(
            "gocart_router_plan_cache_lookups",
            "Lookups of the parse/validate/plan cache, by outcome (hit, miss).",
            ["outcome"],
            registry=self.registry,
        )
        self.subgraph_fetch_duration = Histogram(
            "gocart_router_subgraph_fetch_duration_seconds",
            "Time of one HTTP request to a subgraph (each retry its own), by subgraph and outcome "
            "(ok, error).",
            ["subgraph", "outcome"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.rejections = Counter(
            "gocart_router_rejections",
            "Requests refused at the edge before any subgraph call, by error code.",
            ["code"],
            registry=self.registry,
        )
        self.estimated_cost = Histogram(
            "gocart_router_operation_estimated_cost",
            "Estimated cost (demand control) of the operations planned.",
            buckets=COST_BUCKETS,
            registry=self.registry,
        )
        self.actual_cost = Histogram(
            "gocart_router_operation_actual_cost",
            "Cost of the operations measured on their responses.",
            buckets=COST_BUCKETS,
            registry=self.registry,
        )
        self.rate_limit_degraded = Gauge(
            "gocart_router_rate_limit_degraded",
            "1 while Redis is unreachable and the in-process rate limiter decides alone.",
            registry=self.registry,
        )
        self.rate_limit_fallbacks = Counter(
            "gocart_router_rate_limit_fallback_decisions",
            "Rate-limit decisions taken by the in-process limiter because Redis was unreachable.",
            registry=self.registry,
        )
        self.breaker_state = Gauge(
            "gocart_router_subgraph_breaker_state",
            "Circuit breaker per subgraph: 0 closed, 1 half-open, 2 open.",
            ["subgraph"],
            registry=self.registry,
        )
        self.subgraph_errors = Counter(
            "gocart_router_subgraph_fetch_errors",
            "Subgraph requests that failed, by subgraph and reason "
            "(connect, timeout, status, invalid_response, breaker_open).",
            ["subgraph", "reason"],
            registry=self.registry,
        )
        self.subgraph_retries = Counter(
            "gocart_router_subgraph_fetch_retries",
            "Subgraph queries sent again after a failure.",
            ["subgraph"],
            registry=self.registry,
        )
        self.supergraph_reloads = Counter(
            "gocart_router_supergraph_reloads",
            "Supergraph reload attempts, by outcome (applied, refused).",
            ["outcome"],
            registry=self.registry,
        )
        self.persisted_queries = Counter(
            "gocart_router_persisted_queries",
            "Persisted-query lookups, by outcome (hit, miss, registered, refused).",
            ["outcome"],
            registry=self.registry,
        )

        self.entity_cache = Counter(
            "gocart_router_entity_cache_lookups",
            "Entity cache lookups, by subgraph, type (the root type for root-field fetches) and outcome "
            "(hit, miss, skipped: Redis unreachable).",
            ["subgraph", "type", "outcome"],
            registry=self.registry,
        )
        self.entity_cache_degraded = Gauge(
            "gocart_router_entity_cache_degraded",
            "1 while Redis is unreachable and the entity cache is off.",
            registry=self.registry,
        )

    def count_plan_cache(self, hit: bool) -> None:
        self.plan_cache.labels("hit" if hit else "miss").inc()
