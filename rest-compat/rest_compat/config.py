"""Settings of the REST layer (environment prefix `GOCART_REST_`)."""

from __future__ import annotations

from pydantic import Field, IPvAnyNetwork, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from observability.tracing_settings import TracingSettings


class RestSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="GOCART_REST_", env_nested_delimiter="__", extra="ignore", frozen=True
    )

    host: str = "127.0.0.1"
    port: int = 4010
    router_url: str = Field(default="http://127.0.0.1:4000/graphql", description="Gocart's GraphQL router.")
    router_timeout_seconds: float = Field(default=10.0, gt=0)
    unavailable_retry_after_seconds: int = Field(
        default=5,
        ge=0,
        description="The Retry-After of a 503 (the router or a service behind it is unavailable) when "
        "the answer gives no retryAfterSeconds of its own.",
    )
    trusted_proxies: tuple[IPvAnyNetwork, ...] = Field(
        default=(),
        description="Addresses or CIDR networks of proxies in front of the REST layer whose X-Forwarded-For "
        "is believed.",
    )
    log_level: str = "INFO"
    log_json: bool = Field(default=True, description="JSON lines; console lines for people when false.")
    router_proxy_secret: SecretStr | None = Field(
        default=None,
        description="Sent to the router in x-gocart-proxy-secret, so that it believes the client address "
        "the REST layer passes on (the router's TRUSTED_PROXY_SECRET).",
    )
    tracing: TracingSettings = Field(
        default=TracingSettings(), description="OpenTelemetry traces (GOCART_REST_TRACING__OTLP_ENDPOINT)."
    )
