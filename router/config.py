"""Router settings, from the environment (prefix GOCART_ROUTER_) and the command line.

Nothing is read at import time: settings are built by the CLI (or a test) and passed to `create_app`.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class RouterSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOCART_ROUTER_", extra="ignore")

    supergraph: Path = Field(default=Path("schema/supergraph.graphql"), description="Supergraph SDL file.")
    host: str = "127.0.0.1"
    port: int = 4000
    subgraph_urls: dict[str, str] = Field(
        default_factory=dict, description='Per-subgraph URL overrides, e.g. {"products": "http://..."}.'
    )
    plan_cache_size: int = Field(default=1024, ge=1)
    subgraph_timeout_seconds: float = Field(default=30.0, gt=0)
    max_connections: int = Field(default=100, ge=1)
    forward_headers: tuple[str, ...] = ("authorization", "x-request-id")
    expose_query_plan: bool = Field(
        default=False, description="Answer `x-gocart-query-plan: true` requests with the plan in a header."
    )
    graceful_shutdown_seconds: float = Field(default=3.0, ge=0)
    jwt_jwks_url: str | None = Field(
        default=None,
        description="The users subgraph's JWKS: when set, requests with a bad access token are refused here.",
    )
    jwt_issuer: str = "gocart-users"
    jwt_audience: str = "gocart"
    max_depth: int | None = Field(default=None, ge=1, description="Deepest field nesting accepted.")
    max_aliases: int | None = Field(default=None, ge=0, description="Most aliases accepted in one operation.")
    max_root_fields: int | None = Field(default=None, ge=1, description="Most root fields accepted.")
