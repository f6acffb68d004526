"""The background loop that gives back stock held by checkouts that never finished: every pass releases
the reservations still RESERVED past their `expires_at` (`service.release_one_expired`), so stock comes
back even while the orders subgraph is down.

Safe on several replicas: each reservation is claimed with `FOR UPDATE SKIP LOCKED`, so no two workers
release one, and one an order is settling right now is left to it. A pass that fails does not end the
loop; a database that is down is expected (one warning per pass, no traceback).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import datetime

import structlog
from fastapi import FastAPI

from subgraphs.common.app import LifespanHook
from subgraphs.common.context import AppResources
from subgraphs.common.db_outage import is_database_outage
from subgraphs.products import service
from subgraphs.products.caches import ProductCaches
from subgraphs.products.config import ProductsSettings

log = structlog.get_logger(__name__)


async def release_expired_once(*, resources: AppResources, limit: int, now: datetime | None = None) -> int:
    """One pass: release up to `limit` expired reservations, one transaction each; how many."""
    caches = ProductCaches.create(resources.redis, resources.settings, resources.metrics)
    released = 0
    async with resources.sessions() as session:
        while released < limit:
            order_id = await service.release_one_expired(session=session, caches=caches, now=now)
            if order_id is None:
                break
            log.info("products.reservation_expired", order_id=str(order_id))
            released += 1
    return released


async def release_expired_forever(*, resources: AppResources, settings: ProductsSettings) -> None:
    while True:
        try:
            released = await release_expired_once(
                resources=resources, limit=settings.reservation_sweep_batch_size
            )
            if released >= settings.reservation_sweep_batch_size:
                continue  # more may be due: no pause
        except asyncio.CancelledError:
            raise
        except Exception as error:
            if is_database_outage(error):
                log.warning(
                    "products.expiry_deferred", reason="database unavailable", error=type(error).__name__
                )
            else:
                log.exception("products.expiry_failed")
        await asyncio.sleep(settings.reservation_sweep_interval_seconds)


def expiry_worker(settings: ProductsSettings) -> LifespanHook:
    """The app's lifespan hook: runs the loop while the app runs (not at all with interval 0)."""

    @contextlib.asynccontextmanager
    async def run(_app: FastAPI, resources: AppResources) -> AsyncIterator[None]:
        worker: asyncio.Task[None] | None = None
        if settings.reservation_sweep_interval_seconds > 0:
            worker = asyncio.create_task(release_expired_forever(resources=resources, settings=settings))
        try:
            yield
        finally:
            if worker is not None:
                worker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker

    return run
