"""What products answers, as orders sees it: the product snapshot a checkout captures, and an
answer's errors as the domain's (a definite no) or as an outage (`ProductsUnavailable`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import structlog
from pydantic import BaseModel

from subgraphs.common.errors import ConflictError, NotFoundError, OutOfStockError, UnavailableError

log = structlog.get_logger(__name__)

UNAVAILABLE_MESSAGE = "The product catalogue is unavailable right now; try again shortly."


class ProductsUnavailable(UnavailableError):
    """Products did not answer (down, slow, failing, overloaded, or the circuit is open): the outcome
    is unknown."""


class ProductsNotCalled(ProductsUnavailable):
    """Refused before anything was sent (open circuit, no slot in the bulkhead): products never heard
    of the operation, so nothing happened there."""


class KnownShortage(OutOfStockError):
    """OUT_OF_STOCK from what products answered a moment ago, without asking it again."""


class ProductSnapshot(BaseModel):
    """A product as products describes it at checkout: what the order captures."""

    id: uuid.UUID
    name: str
    price: Decimal
    currency: str
    active: bool
    deleted_at: datetime | None
    available: int


@dataclass(frozen=True)
class StockLine:
    product_id: uuid.UUID
    quantity: int


def snapshot_of(entity: Mapping[str, Any]) -> ProductSnapshot:
    """A product of an `_entities` answer."""
    return ProductSnapshot(
        id=entity["id"],
        name=entity["name"],
        price=Decimal(str(entity["price"])),
        currency=entity["currency"],
        active=entity["active"],
        deleted_at=entity["deletedAt"],
        available=entity["stock"]["available"],
    )


def data_or_raise(operation: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """The answer's `data`, or its first error raised as the domain's (or as an outage)."""
    errors = body.get("errors") or []
    if not errors:
        data: dict[str, Any] = body.get("data") or {}
        return data
    first = errors[0]
    extensions = first.get("extensions") or {}
    code = extensions.get("code")
    message = str(first.get("message", ""))
    if code == "OUT_OF_STOCK":
        raise OutOfStockError("Not enough stock for some items.", items=extensions.get("items", []))
    if code == "NOT_FOUND":
        raise NotFoundError(
            "Some products do not exist or are not for sale.", items=extensions.get("items", [])
        )
    if code == "CONFLICT":
        raise ConflictError(message or "Products refused the stock operation.", operation=operation)
    # Anything else (a missing operation, a refused service credential, a bug in products) is not the
    # customer's doing and may be fixed by a deploy: it is an outage as far as orders is concerned.
    log.error("products.call_refused", operation=operation, code=code, message=message)
    raise ProductsUnavailable(UNAVAILABLE_MESSAGE, reason=f"refused:{code}")
