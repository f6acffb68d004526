"""What the orders use cases accept, checked once: placing an order, cancelling it, moving it along.

Built from the client's Strawberry inputs by `parse_input` (see `subgraphs/common/model_inputs.py`);
a rule broken is BAD_USER_INPUT naming the field, with the messages clients already know.
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr, field_validator, model_validator

from subgraphs.common.errors import BadUserInputError
from subgraphs.common.ids import parse_id
from subgraphs.orders.models import OrderStatus, PaymentMethod
from subgraphs.orders.payments import Card, parse_card
from subgraphs.orders.products_answers import StockLine

MAX_QUANTITY = 1000
MAX_LINES = 100
MAX_KEY_LENGTH = 200
MAX_NOTE_LENGTH = 500

# What an admin may set with `updateOrderStatus`; cancelling has a mutation of its own.
ADMIN_TARGETS = frozenset({OrderStatus.SHIPPED, OrderStatus.DELIVERED})


class OrderLine(BaseModel):
    """One line of a cart as sent (lines for one product are merged by `OrderPlacement`)."""

    model_config = ConfigDict(from_attributes=True, frozen=True)

    product_id: uuid.UUID
    quantity: int

    @field_validator("product_id", mode="before")
    @classmethod
    def _product_id(cls, value: object) -> uuid.UUID:
        return parse_id(value, "productId")


class PaymentChoice(BaseModel):
    """How the customer pays: only cards, with a number that can be one."""

    model_config = ConfigDict(from_attributes=True, frozen=True)

    method: PaymentMethod = PaymentMethod.CARD
    card_number: str
    _card: Card = PrivateAttr()

    @model_validator(mode="after")
    def _card_number(self) -> PaymentChoice:
        self._card = parse_card(self.method, self.card_number)
        return self

    @property
    def card(self) -> Card:
        return self._card


def merge_lines(lines: list[OrderLine]) -> list[OrderLine]:
    """One line per product (quantities added), in product-id order, each within bounds."""
    if not lines:
        raise BadUserInputError("An order needs at least one item.", field="items")
    if len(lines) > MAX_LINES:
        raise BadUserInputError(f"An order has at most {MAX_LINES} lines.", field="items")
    merged: dict[uuid.UUID, int] = {}
    for line in lines:
        if line.quantity <= 0 or line.quantity > MAX_QUANTITY:
            raise BadUserInputError(f"quantity must be between 1 and {MAX_QUANTITY}.", field="quantity")
        merged[line.product_id] = merged.get(line.product_id, 0) + line.quantity
    for product_id, quantity in merged.items():
        if quantity > MAX_QUANTITY:
            raise BadUserInputError(
                f"At most {MAX_QUANTITY} of one product per order.",
                field="quantity",
                productId=str(product_id),
            )
    return [OrderLine(product_id=pid, quantity=qty) for pid, qty in sorted(merged.items())]


def clean_note(value: str | None, field: str) -> str:
    """A note as stored: trimmed, empty when not given, at most `MAX_NOTE_LENGTH` characters."""
    note = (value or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise BadUserInputError(f"{field} must be at most {MAX_NOTE_LENGTH} characters.", field=field)
    return note


class OrderPlacement(BaseModel):
    """A customer's `placeOrder`: the cart (merged), the idempotency key (trimmed), the card.

    Fields are checked in this order, as before: items, then the key, then the payment.
    """

    model_config = ConfigDict(frozen=True)

    items: list[OrderLine]
    idempotency_key: str
    payment: PaymentChoice

    @field_validator("items", mode="after")
    @classmethod
    def _merged(cls, items: list[OrderLine]) -> list[OrderLine]:
        return merge_lines(items)

    @field_validator("idempotency_key", mode="after")
    @classmethod
    def _key(cls, value: str) -> str:
        key = value.strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            raise BadUserInputError(
                f"idempotencyKey must be 1 to {MAX_KEY_LENGTH} characters.", field="idempotencyKey"
            )
        return key

    @property
    def lines(self) -> list[StockLine]:
        """The merged lines, as products is asked to hold them."""
        return [StockLine(product_id=line.product_id, quantity=line.quantity) for line in self.items]


class OrderChange(BaseModel):
    """A change to one order, named by the mutation's `id`."""

    model_config = ConfigDict(frozen=True)

    order_id: uuid.UUID

    @field_validator("order_id", mode="before")
    @classmethod
    def _order_id(cls, value: object) -> uuid.UUID:
        return parse_id(value)


class OrderCancellation(OrderChange):
    """`cancelOrder`: which order, and why (`cancelled` when no reason is given)."""

    reason: str

    @field_validator("reason", mode="before")
    @classmethod
    def _reason(cls, value: str | None) -> str:
        return clean_note(value, "reason") or "cancelled"


class StatusUpdate(OrderChange):
    """An admin's `updateOrderStatus`: SHIPPED or DELIVERED, with an optional note."""

    status: OrderStatus
    note: str

    @field_validator("status", mode="after")
    @classmethod
    def _status(cls, status: OrderStatus) -> OrderStatus:
        if status not in ADMIN_TARGETS:
            raise BadUserInputError(
                "updateOrderStatus sets SHIPPED or DELIVERED; use cancelOrder to cancel.", field="status"
            )
        return status

    @field_validator("note", mode="before")
    @classmethod
    def _note(cls, value: Any) -> str:
        return clean_note(value, "note")
