"""Prometheus metrics of a subgraph, served at `/metrics`.

Each app has its own registry (several apps can live in one test process). Besides HTTP traffic, every
SQL statement is counted, so the cost of a request can be read from outside, per subgraph.
"""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class SubgraphMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
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
