"""Running the delivery worker with the orders app (started from `main.py`'s lifespan)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from subgraphs.common.context import AppResources
from subgraphs.common.tasks import stop_tasks
from subgraphs.orders.config import OrdersSettings
from subgraphs.orders.webhooks.metrics import WebhookMetrics
from subgraphs.orders.webhooks.schedule import RetrySchedule
from subgraphs.orders.webhooks.sender import WebhookSender
from subgraphs.orders.webhooks.worker import DispatchPolicy, WebhookDispatcher


def _metrics(app: FastAPI) -> WebhookMetrics:
    """The app's webhook metrics, registered once per app (its lifespan may run more than once)."""
    metrics: WebhookMetrics | None = getattr(app.state, "webhook_metrics", None)
    if metrics is None:
        metrics = app.state.webhook_metrics = WebhookMetrics(app.state.metrics.registry)
    return metrics


@contextlib.asynccontextmanager
async def run_webhooks(
    app: FastAPI, resources: AppResources, settings: OrdersSettings
) -> AsyncIterator[WebhookDispatcher]:
    """The dispatcher (also `app.state.webhooks`), looping unless `webhook_interval_seconds` is 0."""
    sender = WebhookSender(
        timeout_seconds=settings.webhook_timeout_seconds,
        pool_size=settings.webhook_max_concurrency,
        tracing=resources.tracing,
    )
    dispatcher = WebhookDispatcher(
        sessions=resources.sessions,
        sender=sender,
        policy=DispatchPolicy(
            interval_seconds=settings.webhook_interval_seconds,
            max_concurrency=settings.webhook_max_concurrency,
            per_endpoint=settings.webhook_per_endpoint_concurrency,
            timeout_seconds=settings.webhook_timeout_seconds,
        ),
        schedule=RetrySchedule(
            base_seconds=settings.webhook_retry_base_seconds,
            max_delay_seconds=settings.webhook_retry_max_delay_seconds,
            window_seconds=settings.webhook_retry_window_seconds,
        ),
        metrics=_metrics(app),
    )
    app.state.webhooks = dispatcher
    loop: asyncio.Task[None] | None = None
    if settings.webhook_interval_seconds > 0:
        loop = asyncio.create_task(dispatcher.run_forever())
    try:
        yield dispatcher
    finally:
        await stop_tasks(loop)
        await dispatcher.stop()
        await sender.close()
