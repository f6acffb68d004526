"""Settings of the products subgraph (environment prefix `GOCART_PRODUCTS_`)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from subgraphs.common.settings import SubgraphSettings


class ProductsSettings(SubgraphSettings):
    model_config = SettingsConfigDict(
        env_prefix="GOCART_PRODUCTS_", env_nested_delimiter="__", extra="ignore", frozen=True
    )

    port: int = 4001
    fuzzy_match_threshold: float = 0.4
