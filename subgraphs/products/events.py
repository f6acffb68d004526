"""The products subgraph's domain events (schema/events/product.*.json, stock.*.json), written to its
outbox in the transaction of the change they report. The aggregate is the product: its catalogue
changes and its stock changes share one version sequence."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.events import append_event
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


async def _emit(
    session: AsyncSession, event: ProductEvent, product_id: uuid.UUID, data: dict[str, Any]
) -> None:
    await append_event(
        session,
        EVENTS,
        source=SOURCE,
        type=event.value,
        schema_version=SCHEMA_VERSION,
        aggregate_type=AGGREGATE,
        aggregate_id=product_id,
        data={"product_id": product_id, **data},
    )


def _catalogue(product: ProductRecord) -> dict[str, Any]:
    return {
        "sku": product.sku,
        "name": product.name,
        "price": product.price,
        "currency": product.currency,
        "active": product.active,
        "category_id": product.category_id,
    }


async def product_created(session: AsyncSession, product: ProductRecord) -> None:
    await _emit(session, ProductEvent.CREATED, product.id, _catalogue(product))


async def product_updated(session: AsyncSession, product: ProductRecord, changed: Sequence[str]) -> None:
    await _emit(
        session, ProductEvent.UPDATED, product.id, {**_catalogue(product), "changed": sorted(changed)}
    )


async def product_deleted(session: AsyncSession, product: ProductRecord) -> None:
    await _emit(session, ProductEvent.DELETED, product.id, {"sku": product.sku})


async def stock_changed(
    session: AsyncSession,
    product: ProductRecord,
    *,
    kind: MovementKind,
    on_hand_delta: int = 0,
    reserved_delta: int = 0,
    order_id: uuid.UUID | None = None,
) -> None:
    """`stock.changed` for a product's new counts, and `stock.low` when this change took its available
    stock below the product's threshold (once per crossing, not on every change below it)."""
    available = product.stock_available
    await _emit(
        session,
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
    before = available - (on_hand_delta - reserved_delta)
    threshold = product.low_stock_threshold
    if available < threshold <= before:
        await _emit(
            session,
            ProductEvent.STOCK_LOW,
            product.id,
            {"sku": product.sku, "available": available, "threshold": threshold},
        )
