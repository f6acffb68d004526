"""The REST layer's Prometheus metrics, served at `GET /metrics` (docs/operations.md, "Metrics").

Requests are labelled by the REST operation that answered them (the route's name, e.g. `get_product`:
a fixed set, never the path with its ids; `unmatched` when no route matched) and by outcome: `ok`
(below 400), `client_error` (4xx) or `error` (5xx: the router or what is behind it failed). One registry
per app, so several apps in one process never clash.
"""

from __future__ import annotations

import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from observability.metrics import LATENCY_BUCKETS

METRICS_PATH = "/metrics"
UNMATCHED = "unmatched"


def outcome_of(status: int) -> str:
    if status >= 500:
        return "error"
    return "client_error" if status >= 400 else "ok"


class RestMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "gocart_rest_requests",
            "REST requests answered, by operation (route name) and outcome (ok, client_error, error).",
            ["operation", "outcome"],
            registry=self.registry,
        )
        self.request_duration = Histogram(
            "gocart_rest_request_duration_seconds",
            "Time to answer a REST request, by operation (route name) and outcome.",
            ["operation", "outcome"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "gocart_rest_requests_in_flight", "REST requests being served now.", registry=self.registry
        )

    def exposition(self) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


def operation_of(scope: Scope) -> str:
    """The name of the route that answered (FastAPI puts it in the scope), else `unmatched`."""
    route = scope.get("route")
    name = getattr(route, "name", None)
    return name if isinstance(name, str) and name else UNMATCHED


class RestMetricsMiddleware:
    """Counts and times every request but `/metrics` itself."""

    def __init__(self, app: ASGIApp, metrics: RestMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == METRICS_PATH:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        with self.metrics.in_flight.track_inprogress():
            try:
                await self.app(scope, receive, send_and_record)
            finally:
                labels = (operation_of(scope), outcome_of(status))
                self.metrics.requests.labels(*labels).inc()
                self.metrics.request_duration.labels(*labels).observe(time.perf_counter() - started)


async def metrics_endpoint(request: Request) -> Response:
    metrics: RestMetrics = request.app.state.metrics
    return metrics.exposition()
