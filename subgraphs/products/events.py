"""The products subgraph's domain events (schema/events/product.*.json, stock.*.json), written to its
outbox in the transaction of the change they report. The aggregate is the product: its catalogue
changes and its stock changes share one version sequence."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.events import EventDraft, append_events
from subgraphs.products.models import EVENTS, MovementKind, ProductRecord

SOURCE = "products"
AGGREGATE = "product"
SCHEMA_VERSION = 1


class ProductEvent(StrEnum):
    CREATED = "product.created"
    UPDATED = "product.updated"
    DELETED = "product.deleted"
    STOCK_CHANGED = "stock.changed"
    STOCK_LOW = "stock.low"


def _draft(event: ProductEvent, product_id: uuid.UUID, data: dict[str, Any]) -> EventDraft:
    return EventDraft(
        type=event.value,
        aggregate_type=AGGREGATE,
        aggregate_id=product_id,
        data={"product_id": product_id, **data},
        schema_version=SCHEMA_VERSION,
    )


async def write(session: AsyncSession, drafts: Sequence[EventDraft]) -> None:
    """Append the events in one statement (a hot product's row stays locked one round trip more)."""
    await append_events(session, EVENTS, source=SOURCE, drafts=drafts)


def _catalogue(product: ProductRecord) -> dict[str, Any]:
    return {
        "sku": product.sku,
        "name": product.name,
        "price": product.price,
        "currency": product.currency,
        "active": product.active,
        "category_id": product.category_id,
    }


def product_created(product: ProductRecord) -> EventDraft:
    return _draft(ProductEvent.CREATED, product.id, _catalogue(product))


def product_updated(product: ProductRecord, changed: Sequence[str]) -> EventDraft:
    return _draft(ProductEvent.UPDATED, product.id, {**_catalogue(product), "changed": sorted(changed)})


def product_deleted(product: ProductRecord) -> EventDraft:
    return _draft(ProductEvent.DELETED, product.id, {"sku": product.sku})


def stock_changed(
    product: ProductRecord,
    *,
    kind: MovementKind,
    on_hand_delta: int = 0,
    reserved_delta: int = 0,
    order_id: uuid.UUID | None = None,
) -> list[EventDraft]:
    """`stock.changed` for a product's new counts, and `stock.low` when this change took its available
    stock below the product's threshold (once per crossing, not on every change below it)."""
    available = product.stock_available
    drafts = [
        _draft(
            ProductEvent.STOCK_CHANGED,
            product.id,
            {
                "kind": kind.value,
                "on_hand": product.stock_on_hand,
                "reserved": product.stock_reserved,
                "available": available,
                "on_hand_delta": on_hand_delta,
                "reserved_delta": reserved_delta,
                "order_id": order_id,
            },
        )
    ]
    before = available - (on_hand_delta - reserved_delta)
    threshold = product.low_stock_threshold
    if available < threshold <= before:
        drafts.append(
            _draft(
                ProductEvent.STOCK_LOW,
                product.id,
                {"sku": product.sku, "available": available, "threshold": threshold},
            )
        )
    return drafts
