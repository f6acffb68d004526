"""Prometheus metrics of a subgraph, served at `/metrics` (docs/operations.md, "Metrics").

Each app has its own registry (several apps can live in one test process). Besides HTTP traffic and
GraphQL operations (by name, bounded, and outcome), every SQL statement is counted, and the loaders'
batch sizes and Redis cache hits and misses are recorded, so the cost of a request can be read from
outside, per subgraph.
"""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from observability.metrics import LATENCY_BUCKETS
from observability.names import BoundedNames

BATCH_SIZE_BUCKETS = (1, 2, 5, 10, 25, 50, 100, 250, 500)


class SubgraphMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.operation_names = BoundedNames()
        self.operations = Counter(
            "gocart_graphql_operations",
            "GraphQL operations executed, by operation name (bounded: the first 100 names, then other) "
            "and outcome (ok, partial, error).",
            ["operation", "outcome"],
            registry=self.registry,
        )
        self.operation_duration = Histogram(
            "gocart_graphql_operation_duration_seconds",
            "Time to parse, validate and execute a GraphQL operation, by operation name and outcome.",
            ["operation", "outcome"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.loader_batch_size = Histogram(
            "gocart_dataloader_batch_size",
            "Ids loaded in one dataloader batch (one Redis MGET, at most one SQL query), by entity kind.",
            ["kind"],
            buckets=BATCH_SIZE_BUCKETS,
            registry=self.registry,
        )
        self.cache_lookups = Counter(
            "gocart_cache_lookups",
            "Entities looked up in the Redis cache, by entity kind and outcome (hit, miss).",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self.requests = Counter(
            "gocart_http_requests", "HTTP requests answered.", ["method", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "gocart_http_request_duration_seconds",
            "Time to answer an HTTP request.",
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
        )
        self.sql_statements = Counter(
            "gocart_sql_statements", "SQL statements sent to PostgreSQL.", registry=self.registry
        )
        self.unknown_revocations = Counter(
            "gocart_revocation_unknown",
            "Tokens checked while revocations could not be read, by role and decision (refused, accepted).",
            ["role", "decision"],
            registry=self.registry,
        )

    def count_sql(self, engine: AsyncEngine) -> None:
        """Count every statement the engine runs."""

        def on_execute(*_: Any) -> None:
            self.sql_statements.inc()

        event.listen(engine.sync_engine, "before_cursor_execute", on_execute)

    def count_cache_lookups(self, kind: str, *, hits: int, misses: int) -> None:
        if hits:
            self.cache_lookups.labels(kind, "hit").inc(hits)
        if misses:
            self.cache_lookups.labels(kind, "miss").inc(misses)

    def observe_batch(self, kind: str, size: int) -> None:
        self.loader_batch_size.labels(kind).observe(size)

    def count_operation(self, name: str | None, outcome: str, seconds: float) -> None:
        operation = self.operation_names.label(name)
        self.operations.labels(operation, outcome).inc()
        self.operation_duration.labels(operation, outcome).observe(seconds)

    def exposition(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class MetricsMiddleware:
    """Counts every HTTP request (but `/metrics` itself) and how long it took."""

    def __init__(self, app: ASGIApp, metrics: SubgraphMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == "/metrics":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            self.metrics.requests.labels(method=scope["method"], status=str(status)).inc()
            self.metrics.latency.observe(time.perf_counter() - started)
