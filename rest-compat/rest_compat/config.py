"""Settings of the REST layer (environment prefix `GOCART_REST_`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class RestSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOCART_REST_", extra="ignore", frozen=True)

    host: str = "127.0.0.1"
    port: int = 4010
    router_url: str = Field(default="http://127.0.0.1:4000/graphql", description="Gocart's GraphQL router.")
    router_timeout_seconds: float = Field(default=10.0, gt=0)
