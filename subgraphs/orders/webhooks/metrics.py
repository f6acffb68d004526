"""What the orders subgraph's `/metrics` tells about webhook deliveries: attempts by outcome and how
long endpoints took to answer."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

from observability.metrics import LATENCY_BUCKETS


class WebhookMetrics:
    def __init__(self, registry: CollectorRegistry | None) -> None:
        self.attempts = Counter(
            "gocart_orders_webhook_attempts",
            "Webhook delivery attempts, by outcome: succeeded, retrying (failed, tried again later) or "
            "failed (failed, and the retry window is over).",
            ["outcome"],
            registry=registry,
        )
        self.duration = Histogram(
            "gocart_orders_webhook_attempt_duration_seconds",
            "Time from sending a webhook to its endpoint's answer (or the timeout), by outcome.",
            ["outcome"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )

    def observe(self, outcome: str, seconds: float) -> None:
        self.attempts.labels(outcome).inc()
        self.duration.labels(outcome).observe(seconds)
