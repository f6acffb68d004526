"""`create_app(settings)`: the products subgraph as an ASGI app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from subgraphs.common.app import create_subgraph_app
from subgraphs.common.event_runtime import EventSetup
from subgraphs.common.migrations import MigrationSource
from subgraphs.products.cache_control import PRODUCTS_CACHE_POLICY
from subgraphs.products.config import ProductsSettings
from subgraphs.products.consumers import product_consumers
from subgraphs.products.context import context_factory
from subgraphs.products.expiry import expiry_worker
from subgraphs.products.models import EVENTS, SCHEMA
from subgraphs.products.schema import create_schema

MIGRATIONS = MigrationSource(script_location=Path(__file__).parent / "migrations", schema=SCHEMA)


def create_app(settings: ProductsSettings) -> FastAPI:
    return create_subgraph_app(
        name="products",
        settings=settings,
        schema=create_schema(
            document_cache_size=settings.graphql_document_cache_size,
            max_representations=settings.max_representations,
        ),
        context_factory=context_factory,
        migrations=MIGRATIONS,
        server_settings={"pg_trgm.word_similarity_threshold": str(settings.fuzzy_match_threshold)},
        lifespan=expiry_worker(settings),
        events=EventSetup(tables=EVENTS, consumers=product_consumers),
        cache_policy=PRODUCTS_CACHE_POLICY,
    )
