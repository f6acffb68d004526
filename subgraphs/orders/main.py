"""`create_app(settings)`: the orders subgraph as an ASGI app.

Besides the shared resources, the app owns a pooled HTTP client of the products subgraph and, unless
turned off, the background loops that settle stock tasks (`worker.py`) and send webhooks
(`webhooks/worker.py`); its event consumer queues every event for the webhook endpoints that want it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from observability.tracing import TRACING_OFF, Tracing
from subgraphs.common.app import create_subgraph_app
from subgraphs.common.context import AppResources
from subgraphs.common.event_runtime import EventSetup
from subgraphs.common.migrations import MigrationSource
from subgraphs.common.tasks import stop_tasks
from subgraphs.orders.breaker import CircuitBreaker
from subgraphs.orders.bulkhead import Bulkhead
from subgraphs.orders.cache_control import ORDERS_CACHE_POLICY
from subgraphs.orders.call_metrics import ProductsCallMetrics
from subgraphs.orders.config import OrdersSettings
from subgraphs.orders.context import OrdersResources, context_factory
from subgraphs.orders.models import EVENTS, SCHEMA
from subgraphs.orders.payments import PaymentSimulator
from subgraphs.orders.products_client import ProductsClient, RetryPolicy
from subgraphs.orders.schema import create_schema
from subgraphs.orders.service_credential import ServiceCredential, signing_key_from
from subgraphs.orders.shortage_hints import ShortageHints
from subgraphs.orders.webhooks.consumer import webhook_consumers
from subgraphs.orders.webhooks.runtime import run_webhooks
from subgraphs.orders.worker import settle_forever

MIGRATIONS = MigrationSource(script_location=Path(__file__).parent / "migrations", schema=SCHEMA)


def create_products_client(
    settings: OrdersSettings, registry: CollectorRegistry | None = None, tracing: Tracing = TRACING_OFF
) -> ProductsClient:
    """The client of products, its bulkhead and breaker from settings; counted in `registry` if given."""
    bulkhead = Bulkhead(
        limit=settings.products_max_concurrency,
        max_waiting=settings.products_max_waiting,
        max_wait_seconds=settings.products_max_wait_seconds,
    )
    metrics = ProductsCallMetrics(registry, bulkhead) if registry is not None else None
    key = signing_key_from(
        settings.service_signing_key_pem.get_secret_value() if settings.service_signing_key_pem else None,
        settings.service_signing_key_file,
        settings.service_signing_kid,
    )
    return ProductsClient(
        url=settings.products_url,
        credential=ServiceCredential(
            key,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            ttl_seconds=settings.service_token_ttl_seconds,
        ),
        policy=RetryPolicy(
            timeout_seconds=settings.products_timeout_seconds,
            retries=settings.products_retries,
            backoff_seconds=settings.products_retry_backoff_seconds,
        ),
        breaker=CircuitBreaker(
            failure_threshold=settings.breaker_failure_threshold, reset_seconds=settings.breaker_reset_seconds
        ),
        bulkhead=bulkhead,
        shortages=ShortageHints(ttl_seconds=settings.shortage_hint_seconds),
        pool_size=settings.products_pool_size,
        tracing=tracing,
        **({"on_refused": metrics.count_refusal} if metrics is not None else {}),
    )


def create_app(settings: OrdersSettings) -> FastAPI:
    if settings.service_token_ttl_seconds > settings.jwt_max_token_lifetime_seconds:
        raise ValueError(
            "GOCART_ORDERS_SERVICE_TOKEN_TTL_SECONDS exceeds JWT_MAX_TOKEN_LIFETIME_SECONDS: "
            "products would refuse its service token."
        )

    @contextlib.asynccontextmanager
    async def orders_resources(app: FastAPI, resources: AppResources) -> AsyncIterator[None]:
        """The products client and, unless turned off, the workers that settle stock tasks and send
        webhooks."""
        products = create_products_client(settings, app.state.metrics.registry, resources.tracing)
        payments = PaymentSimulator(latency_seconds=settings.payment_latency_seconds)
        app.state.orders = OrdersResources(products=products, payments=payments)
        worker: asyncio.Task[None] | None = None
        if settings.stock_task_interval_seconds > 0:
            worker = asyncio.create_task(
                settle_forever(resources=resources, products=products, settings=settings, payments=payments)
            )
        try:
            async with run_webhooks(app, resources, settings):
                yield
        finally:
            await stop_tasks(worker)
            await products.close()

    return create_subgraph_app(
        name="orders",
        settings=settings,
        schema=create_schema(
            document_cache_size=settings.graphql_document_cache_size,
            max_representations=settings.max_representations,
        ),
        context_factory=context_factory,
        migrations=MIGRATIONS,
        lifespan=orders_resources,
        events=EventSetup(tables=EVENTS, consumers=webhook_consumers),
        cache_policy=ORDERS_CACHE_POLICY,
    )
