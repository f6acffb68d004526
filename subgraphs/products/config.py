"""Settings of the products subgraph (environment prefix `GOCART_PRODUCTS_`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from subgraphs.common.settings import SubgraphSettings


class ProductsSettings(SubgraphSettings):
    model_config = SettingsConfigDict(
        env_prefix="GOCART_PRODUCTS_", env_nested_delimiter="__", extra="ignore", frozen=True
    )

    port: int = 4001
    fuzzy_match_threshold: float = 0.4
    reservation_ttl_seconds: int = Field(
        default=900,
        ge=1,
        description="How long a reservation holds stock; then the expiry worker gives it back.",
    )
    reservation_sweep_interval_seconds: float = Field(
        default=5.0, ge=0, description="How often the expiry worker looks for expired holds; 0 turns it off."
    )
    reservation_sweep_batch_size: int = Field(
        default=100, ge=1, description="Expired reservations released per pass at most."
    )
