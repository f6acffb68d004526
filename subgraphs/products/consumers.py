"""What the products subgraph does with domain events (docs/events.md).

- `stock-safety-net`: `order.paid` sells the order's held stock and `order.cancelled` gives it back,
  as the orders subgraph's stock tasks do; the operations are idempotent, so whichever comes first
  does the work and the other finds it done. A definite refusal (the reservation was released
  meanwhile) is logged, not retried.
- `entity-cache`: a product's change drops it from the Redis entity cache again, so an invalidation
  that failed where the change was made (Redis briefly unreachable there) still happens.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import structlog
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.auth import Principal, Role
from subgraphs.common.context import AppResources
from subgraphs.common.errors import DomainError
from subgraphs.common.event_consumers import EventConsumer
from subgraphs.common.events import DomainEvent
from subgraphs.products.caches import ProductCaches
from subgraphs.products.deps import ProductsDeps
from subgraphs.products.services.settlement import COMMIT, RELEASE, RETURN, settle

log = structlog.get_logger(__name__)

EVENTS_CALLER = Principal(subject="events", role=Role.SERVICE)


def product_consumers(resources: AppResources) -> Sequence[EventConsumer]:
    caches = ProductCaches.create(resources.redis, resources.settings)

    async def settle_stock(session: AsyncSession, event: DomainEvent) -> None:
        order_id = uuid.UUID(str(event.data["order_id"]))
        settlement = (
            COMMIT
            if event.type == "order.paid"
            else RETURN
            if event.data.get("stock_action") == "return"
            else RELEASE
        )
        try:
            await settle(
                ProductsDeps(session=session, caller=EVENTS_CALLER, caches=caches), order_id, settlement
            )
        except DomainError as error:
            await session.rollback()
            log.info("products.stock_event_refused", type=event.type, order_id=str(order_id), code=error.code)

    async def forget_product(_session: AsyncSession, event: DomainEvent) -> None:
        await caches.forget_products([uuid.UUID(event.aggregate_id)])

    return (
        EventConsumer(
            name="stock-safety-net", patterns=("order.paid", "order.cancelled"), handle=settle_stock
        ),
        EventConsumer(
            name="entity-cache",
            patterns=("product.updated", "product.deleted", "stock.changed"),
            handle=forget_product,
        ),
    )
