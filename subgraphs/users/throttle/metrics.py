"""The sign-in throttle's metrics, on the users subgraph's own registry (served at its `/metrics`)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge


class LoginThrottleMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = CollectorRegistry() if registry is None else registry
        self.degraded = Gauge(
            "gocart_login_throttle_degraded",
            "1 while Redis is unreachable and sign-in failures are counted in process (per process).",
            registry=self.registry,
        )
        self.fallbacks = Counter(
            "gocart_login_throttle_fallback_decisions",
            "Sign-in attempts decided by the in-process counters because Redis was unreachable.",
            registry=self.registry,
        )
        self.refusals = Counter(
            "gocart_login_throttle_refusals",
            "Sign-in attempts refused with RATE_LIMITED, by the rule that refused them.",
            ["rule"],
            registry=self.registry,
        )
