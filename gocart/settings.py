"""Settings of the local stack that `gocart dev` runs (environment prefix `GOCART_`).

A configured database or Redis URL always wins; without one, embedded servers are started. With
GOCART_AMQP_URL the subgraphs publish their events to RabbitMQ; without it, events stay in process.
How crashed services are restarted is the nested `restart` section (`GOCART_RESTART__MAX_CRASHES=5`, ...),
how they are traced the `tracing` section (`GOCART_TRACING__OTLP_ENDPOINT=...`).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from gocart.restarts import RestartPolicy
from observability.tracing_settings import TracingSettings


class StackSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="GOCART_", env_nested_delimiter="__", extra="ignore", frozen=True
    )

    database_url: SecretStr | None = None
    redis_url: SecretStr | None = None
    # RabbitMQ for domain events (GOCART_AMQP_URL); unset, each subgraph's relay hands its events to
    # its own in-process consumers (docs/events.md).
    amqp_url: SecretStr | None = None
    data_dir: Path = Path(".gocart")
    host: str = "127.0.0.1"
    products_port: int = 4001
    users_port: int = 4002
    orders_port: int = 4003
    router_port: int = 4000
    rest_port: int = 4010
    admin_email: str = "admin@gocart.local"
    admin_password: SecretStr | None = None
    log_level: str = "INFO"
    log_json: bool = False
    jwt_issuer: str = "gocart-users"
    jwt_audience: str = "gocart"
    restart: RestartPolicy = RestartPolicy()
    # Every service's tracing (GOCART_TRACING__OTLP_ENDPOINT, __SAMPLE_RATIO...); without a collector,
    # `gocart dev --trace` (or GOCART_TRACE_TO_FILES=true) writes spans to <data dir>/traces instead.
    tracing: TracingSettings = TracingSettings()
    trace_to_files: bool = False
