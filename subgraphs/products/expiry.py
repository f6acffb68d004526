"""The background loop that gives back stock held by checkouts that never finished: every pass releases
the reservations still RESERVED past their `expires_at` (`services.settlement.release_one_expired`),
so stock comes back even while the orders subgraph is down.

Safe on several replicas: each reservation is claimed with `FOR UPDATE SKIP LOCKED`, so no two workers
release one, and one an order is settling right now is left to it. A pass that fails does not end the
loop; a database that is down is expected (one warning per pass, no traceback). The worker has a
connection of its own (as the events relay has), so it never waits behind requests for one, and its
statements are not counted as the requests' (`gocart_sql_statements_total`) nor traced.
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
from subgraphs.common.db import SessionFactory, create_engine, create_session_factory
from subgraphs.common.db_outage import is_database_outage
from subgraphs.common.tasks import stop_tasks
from subgraphs.products.caches import ProductCaches
from subgraphs.products.config import ProductsSettings
from subgraphs.products.deps import ProductsDeps
from subgraphs.products.services.settlement import EXPIRY_ACTOR, release_one_expired

log = structlog.get_logger(__name__)


async def release_expired_once(
    *, sessions: SessionFactory, caches: ProductCaches, limit: int, now: datetime | None = None
) -> int:
    """One pass: release up to `limit` expired reservations, one transaction each; how many."""
    released = 0
    async with sessions() as session:
        deps = ProductsDeps(session=session, caller=EXPIRY_ACTOR, caches=caches)
        while released < limit:
            order_id = await release_one_expired(deps, now=now)
            if order_id is None:
                break
            log.info("products.reservation_expired", order_id=str(order_id))
            released += 1
    return released


async def release_expired_forever(
    *, sessions: SessionFactory, caches: ProductCaches, settings: ProductsSettings
) -> None:
    while True:
        try:
            released = await release_expired_once(
                sessions=sessions, caches=caches, limit=settings.reservation_sweep_batch_size
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
        if settings.reservation_sweep_interval_seconds <= 0:
            yield
            return
        engine = create_engine(
            settings.require_database_url(),
            pool_size=2,
            application_name="gocart-products-expiry",
            connect_timeout_seconds=settings.db_connect_timeout_seconds,
            pool_timeout_seconds=settings.db_pool_timeout_seconds,
        )
        caches = ProductCaches.create(resources.redis, settings)
        worker = asyncio.create_task(
            release_expired_forever(sessions=create_session_factory(engine), caches=caches, settings=settings)
        )
        try:
            yield
        finally:
            await stop_tasks(worker)
            await engine.dispose()

    return run
