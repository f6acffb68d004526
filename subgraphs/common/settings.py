"""The settings base every subgraph extends with its own env prefix (`GOCART_PRODUCTS_`, ...).

Settings are read when `Settings()` is called, never at import time, so tests and the CLI build them
explicitly and a configured value always wins over the embedded defaults.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, IPvAnyNetwork, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from observability.tracing_settings import TracingSettings
from subgraphs.common.auth import DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, Role

DEFAULT_MAX_REPRESENTATIONS = 100  # the router's `traffic_shaping.all.max_representations`


class SubgraphSettings(BaseSettings):
    """What every subgraph needs to run: where its data lives and how callers are authenticated."""

    model_config = SettingsConfigDict(
        env_prefix="GOCART_SUBGRAPH_", env_nested_delimiter="__", extra="ignore", frozen=True
    )

    host: str = "127.0.0.1"
    port: int = 4001
    database_url: SecretStr | None = Field(
        default=None, description="postgresql+asyncpg://... ; when unset, the CLI starts an embedded server."
    )
    redis_url: SecretStr | None = Field(
        default=None, description="redis://... or unix://... ; when unset, the CLI starts an embedded server."
    )
    data_dir: Path = Field(default=Path(".gocart"), description="Where embedded servers and dev keys live.")
    db_pool_size: int = Field(
        default=20,
        ge=1,
        description="Database connections a worker holds at most, opened as needed and kept.",
    )
    workers: int = Field(
        default=1,
        ge=1,
        description="Server processes sharing the port, each with its own pools (up to one per core).",
    )
    db_connect_timeout_seconds: float = Field(
        default=5.0, gt=0, description="How long opening a database connection may take before UNAVAILABLE."
    )
    db_pool_timeout_seconds: float = Field(
        default=10.0, gt=0, description="How long a request waits for a free pooled connection."
    )
    db_ping_idle_seconds: float = Field(
        default=1.0,
        ge=0,
        description="A pooled connection idle for longer is pinged before use (0: every checkout).",
    )
    db_recycle_seconds: int = Field(
        default=1800, gt=0, description="Pooled connections older than this are replaced before use."
    )
    migrate_on_startup: bool = True
    cache_namespace: str = Field(
        default="gocart", description="Prefix of every Redis key, so several stacks can share one Redis."
    )
    cache_ttl_seconds: int = Field(default=300, ge=1)
    graphql_document_cache_size: int = Field(
        default=1024, ge=0, description="Parsed and validated documents kept per process; 0 disables."
    )
    max_representations: int = Field(
        default=DEFAULT_MAX_REPRESENTATIONS,
        ge=1,
        description="Most representations one `_entities` call may carry; keep it at least the router's.",
    )
    jwt_issuer: str = "gocart-users"
    jwt_audience: str = "gocart"
    jwt_jwks: SecretStr | None = Field(
        default=None, description="A JWKS document (JSON) with the public keys that sign access tokens."
    )
    jwt_jwks_file: Path | None = Field(default=None, description="A file holding that JWKS document.")
    jwt_jwks_url: str | None = Field(default=None, description="Where the users subgraph serves its JWKS.")
    jwt_jwks_cache_seconds: int = Field(default=300, ge=1)
    revocation_fail_closed_roles: tuple[Role, ...] = Field(
        default=(Role.ADMIN,),
        description="Roles refused with UNAVAILABLE while revocations cannot be read (Redis down or not "
        "rebuilt yet); the other roles are accepted meanwhile (docs/permissions.md).",
    )
    jwt_service_jwks: SecretStr | None = Field(
        default=None, description="A JWKS of the services' own keys: trusted for the `service` role only."
    )
    jwt_service_jwks_file: Path | None = Field(default=None, description="A file holding that JWKS.")
    jwt_max_token_lifetime_seconds: int = Field(
        default=DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
        ge=60,
        description="Tokens whose `exp - iat` is longer are refused, whoever signed them.",
    )
    trusted_proxies: tuple[IPvAnyNetwork, ...] = Field(
        default=(),
        description="Addresses or CIDR networks (the router's) whose X-Forwarded-For is believed.",
    )
    trusted_proxy_secret: SecretStr | None = Field(
        default=None,
        description="A request carrying it in x-gocart-proxy-secret is from a trusted proxy (the router).",
    )
    log_level: str = "INFO"
    log_json: bool = True
    tracing: TracingSettings = Field(
        default=TracingSettings(), description="OpenTelemetry traces (GOCART_<NAME>_TRACING__OTLP_ENDPOINT)."
    )

    # Domain events (docs/events.md).
    amqp_url: SecretStr | None = Field(
        default=None,
        description="amqp://... of RabbitMQ; when unset, the relay hands events to this process's consumers.",
    )
    events_exchange: str = Field(default="gocart.events", description="The topic exchange events go to.")
    events_queue_prefix: str = Field(
        default="gocart", description="Prefix of every consumer queue: `<prefix>.<subgraph>.<consumer>`."
    )
    event_relay_interval_seconds: float = Field(
        default=0.5, ge=0, description="How often the outbox is polled when idle; 0 turns the relay off."
    )
    event_relay_batch_size: int = Field(default=100, ge=1, description="Outbox rows claimed per pass.")
    event_relay_max_backoff_seconds: float = Field(
        default=30.0, gt=0, description="Longest pause between attempts while the broker is unreachable."
    )
    event_retention_seconds: float = Field(
        default=7 * 24 * 3600,
        ge=0,
        description="How long sent outbox rows are kept before the relay prunes them; 0 keeps them forever.",
    )
    event_prune_batch_size: int = Field(
        default=1000, ge=1, description="Oldest outbox rows a prune pass looks at (and deletes at most)."
    )
    event_max_attempts: int = Field(
        default=5, ge=1, description="Deliveries of an event to a consumer before it is dead-lettered."
    )
    event_retry_seconds: float = Field(
        default=1.0, ge=0, description="Pause after a consumer's first failed attempt at an event; doubles."
    )
    event_max_retry_seconds: float = Field(
        default=30.0, ge=0, description="Longest pause between a consumer's attempts at an event."
    )

    # The router's entity cache (docs/router.md, "Entity cache"): this subgraph's events drop what
    # they change from it (subgraphs/common/router_notifier.py); off without both.
    router_invalidation_url: str | None = Field(
        default=None, description="http://router:4000/invalidation: the router's invalidation API."
    )
    router_invalidation_secret: SecretStr | None = Field(
        default=None, description="The router's `entity_cache.invalidation_secret` (a Bearer token)."
    )
    router_invalidation_timeout_seconds: float = Field(
        default=2.0, gt=0, description="Longest wait for the router to confirm an invalidation."
    )
    router_invalidation_pause_seconds: float = Field(
        default=3.0, ge=0, description="After a failed call, how long later events fail at once (retried)."
    )

    def require_database_url(self) -> str:
        """The database URL; the CLI fills it in (embedded) before an app is built."""
        if self.database_url is None:
            raise ValueError(f"{type(self).__name__}.database_url is not set")
        return self.database_url.get_secret_value()

    def require_redis_url(self) -> str:
        """The Redis URL; the CLI fills it in (embedded) before an app is built."""
        if self.redis_url is None:
            raise ValueError(f"{type(self).__name__}.redis_url is not set")
        return self.redis_url.get_secret_value()
