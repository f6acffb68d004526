"""Settings of the orders subgraph (environment prefix `GOCART_ORDERS_`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from subgraphs.common.settings import SubgraphSettings


class OrdersSettings(SubgraphSettings):
    model_config = SettingsConfigDict(
        env_prefix="GOCART_ORDERS_", env_nested_delimiter="__", extra="ignore", frozen=True
    )

    port: int = 4003

    # The products subgraph, called for prices and for the internal stock operations.
    products_url: str = Field(
        default="http://127.0.0.1:4001/graphql", description="The products subgraph's GraphQL endpoint."
    )
    products_timeout_seconds: float = Field(default=3.0, gt=0, description="Per attempt, whole exchange.")
    products_retries: int = Field(
        default=2, ge=0, le=10, description="Extra attempts for idempotent calls after a transient failure."
    )
    products_retry_backoff_seconds: float = Field(
        default=0.05, ge=0, description="Wait before the first retry; doubled for each further one."
    )
    products_pool_size: int = Field(default=50, ge=1, description="Open connections to products at most.")
    products_max_concurrency: int = Field(
        default=8, ge=1, description="Calls to products in flight at once; the others wait in line."
    )
    products_max_waiting: int = Field(
        default=1000, ge=0, description="Calls waiting in line at most; one more is refused (UNAVAILABLE)."
    )
    products_max_wait_seconds: float = Field(
        default=2.0, gt=0, description="Longest wait in line for a call; then it is refused (UNAVAILABLE)."
    )
    shortage_hint_seconds: float = Field(
        default=1.0,
        ge=0,
        description="How long products' OUT_OF_STOCK answer refuses further checkouts here; 0 turns it off.",
    )
    breaker_failure_threshold: int = Field(
        default=5, ge=1, description="Consecutive failed calls that open the circuit to products."
    )
    breaker_reset_seconds: float = Field(
        default=10.0, gt=0, description="How long an open circuit refuses calls before one trial call."
    )

    # The service credential orders presents to products (role `service`, subject `orders`), signed
    # with the orders subgraph's own key, which verifiers trust for the `service` role only.
    service_signing_key_pem: SecretStr | None = Field(
        default=None, description="Orders' own PEM (PKCS#8) Ed25519 private key, for the service token."
    )
    service_signing_key_file: Path | None = Field(default=None, description="A file holding that PEM key.")
    service_signing_kid: str | None = Field(
        default=None, description="The `kid` products knows the key by; derived from the key when unset."
    )
    service_token_ttl_seconds: int = Field(default=300, ge=30)

    # Checkout.
    payment_latency_seconds: float = Field(
        default=0.0, ge=0, description="Simulated payment processor latency, per charge or refund."
    )
    stock_task_interval_seconds: float = Field(
        default=5.0, ge=0, description="How often pending stock operations are retried; 0 turns it off."
    )
    stale_checkout_seconds: float = Field(
        default=300.0, gt=0, description="A checkout PENDING this long was interrupted and is failed."
    )

    # Webhooks (docs/events.md, "Webhooks").
    webhook_interval_seconds: float = Field(
        default=1.0, ge=0, description="How often an idle worker looks for due deliveries; 0 turns it off."
    )
    webhook_timeout_seconds: float = Field(
        default=10.0, gt=0, description="Longest wait for an endpoint's answer, per attempt."
    )
    webhook_retry_window_seconds: float = Field(
        default=86_400.0, gt=0, description="A delivery is retried for this long after its first attempt."
    )
    webhook_retry_base_seconds: float = Field(
        default=5.0, gt=0, description="Wait after the first failed attempt; doubled for each further one."
    )
    webhook_retry_max_delay_seconds: float = Field(
        default=3600.0, gt=0, description="Longest wait between two attempts."
    )
    webhook_max_concurrency: int = Field(
        default=20, ge=1, description="Deliveries in flight at once, over all endpoints, per process."
    )
    webhook_per_endpoint_concurrency: int = Field(
        default=2, ge=1, description="Deliveries in flight at once to one endpoint, per process."
    )
