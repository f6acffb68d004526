"""The background loop that settles what products is still owed: due stock tasks are retried and
checkouts interrupted mid-way (left PENDING) are cancelled, so no reservation stays stranded.

A pass that fails does not end the loop: the next pass retries. A database that is down is expected
(one warning per pass, no traceback); anything else is logged with its traceback.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import structlog

from subgraphs.common.context import AppResources
from subgraphs.common.db_outage import is_database_outage
from subgraphs.orders.caches import OrderCaches
from subgraphs.orders.config import OrdersSettings
from subgraphs.orders.deps import Refunds
from subgraphs.orders.payments import PaymentSimulator
from subgraphs.orders.products_client import ProductsClient
from subgraphs.orders.services.stock_tasks import fail_stale_checkouts, run_due_stock_tasks

log = structlog.get_logger(__name__)


async def settle_once(
    *,
    resources: AppResources,
    products: ProductsClient,
    settings: OrdersSettings,
    payments: PaymentSimulator | None = None,
) -> int:
    """One pass: cancel stale checkouts, then run every due stock task; how many tasks were done. With
    `payments`, a sale products can no longer make cancels and refunds its order."""
    caches = OrderCaches.create(resources.redis, settings, resources.metrics)
    refunds = Refunds(payments, caches) if payments is not None else None
    async with resources.sessions() as session:
        await fail_stale_checkouts(
            session=session, caches=caches, older_than=timedelta(seconds=settings.stale_checkout_seconds)
        )
        return await run_due_stock_tasks(session=session, products=products, refunds=refunds)


async def settle_forever(
    *,
    resources: AppResources,
    products: ProductsClient,
    settings: OrdersSettings,
    payments: PaymentSimulator | None = None,
) -> None:
    while True:
        await asyncio.sleep(settings.stock_task_interval_seconds)
        try:
            await settle_once(resources=resources, products=products, settings=settings, payments=payments)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            if is_database_outage(error):
                log.warning(
                    "orders.settle_deferred", reason="database unavailable", error=type(error).__name__
                )
            else:
                log.exception("orders.settle_failed")
