"""The orders subgraph's tables (PostgreSQL schema `orders`) and the records read from them.

`X` is a table, `XRecord` the read model services return and the entity cache stores (never a live ORM
row). An order keeps a snapshot of what was bought (name and unit price at order time), its payment, and
its status history; `stock_tasks` is the durable to-do list of stock operations owed to products.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import Column, DateTime, Numeric, Text
from sqlmodel import Field, SQLModel

from subgraphs.common.events import event_tables

SCHEMA = "orders"
# The transactional outbox of this subgraph's domain events and its consumers' processed events.
EVENTS = event_tables(SQLModel.metadata, SCHEMA)


def utc_now() -> datetime:
    return datetime.now(UTC)


def _timestamp(*, nullable: bool = False) -> Column[datetime]:
    return Column(DateTime(timezone=True), nullable=nullable)


def _money() -> Column[Decimal]:
    return Column(Numeric(12, 2), nullable=False)


class OrderStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    PAYMENT_FAILED = "payment_failed"


class PaymentMethod(StrEnum):
    CARD = "card"


class PaymentStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"


class PaymentFailure(StrEnum):
    CARD_DECLINED = "card_declined"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    PROCESSOR_ERROR = "processor_error"


class StockAction(StrEnum):
    """What products still has to do for an order: sell its held stock, give it back, or undo a sale."""

    COMMIT = "commit"
    RELEASE = "release"
    RETURN = "return"


class Order(SQLModel, table=True):
    __tablename__ = "orders"
    __table_args__ = {"schema": SCHEMA}

    id: uuid.UUID = Field(primary_key=True)
    number: str | None = Field(default=None, sa_column=Column(Text, nullable=False, server_default=None))
    customer_id: str
    idempotency_key: str
    request_hash: str
    status: str = OrderStatus.PENDING.value
    currency: str
    subtotal: Decimal = Field(sa_column=_money())
    total: Decimal = Field(sa_column=_money())
    payment_method: str = PaymentMethod.CARD.value
    payment_status: str = PaymentStatus.PENDING.value
    card_last4: str | None = None
    transaction_id: str | None = None
    failure_reason: str | None = None
    refund_id: str | None = None
    created_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())
    updated_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())


class OrderItem(SQLModel, table=True):
    __tablename__ = "order_items"
    __table_args__ = {"schema": SCHEMA}

    order_id: uuid.UUID = Field(primary_key=True, foreign_key=f"{SCHEMA}.orders.id")
    position: int = Field(primary_key=True)
    product_id: uuid.UUID
    product_name: str
    quantity: int
    unit_price: Decimal = Field(sa_column=_money())
    line_total: Decimal = Field(sa_column=_money())


class OrderHistory(SQLModel, table=True):
    """One status transition of an order: from, to, when, by whom and why."""

    __tablename__ = "order_history"
    __table_args__ = {"schema": SCHEMA}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    order_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.orders.id", index=True)
    from_status: str | None = None
    to_status: str
    actor: str | None = None
    note: str = ""
    created_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())


class StockTask(SQLModel, table=True):
    """A stock operation products still owes an order (at most one per order), retried until done.

    It is written in the same transaction as the order change that needs it, so a crash or an outage
    of products between the two never loses it. There is no foreign key: a checkout whose reservation
    call failed leaves no order, but still owes a release.
    """

    __tablename__ = "stock_tasks"
    __table_args__ = {"schema": SCHEMA}

    order_id: uuid.UUID = Field(primary_key=True)
    action: str
    attempts: int = 0
    last_error: str | None = None
    failed: bool = False
    next_attempt_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())
    created_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())


class OrderItemRecord(BaseModel, frozen=True):
    product_id: uuid.UUID
    product_name: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal


class PaymentRecord(BaseModel, frozen=True):
    method: PaymentMethod
    status: PaymentStatus
    card_last4: str | None = None
    transaction_id: str | None = None
    failure_reason: PaymentFailure | None = None
    refund_id: str | None = None


class StatusChangeRecord(BaseModel, frozen=True):
    from_status: OrderStatus | None
    to_status: OrderStatus
    actor: str | None
    note: str
    created_at: datetime


class OrderRecord(BaseModel, frozen=True):
    """An order as read: what `_entities`, `order` and the listings answer, and what Redis caches."""

    id: uuid.UUID
    number: str
    customer_id: str
    request_hash: str
    status: OrderStatus
    currency: str
    subtotal: Decimal
    total: Decimal
    items: tuple[OrderItemRecord, ...]  # tuples: a record is shared by the requests that read it
    payment: PaymentRecord
    history: tuple[StatusChangeRecord, ...]
    created_at: datetime
    updated_at: datetime


class StockTaskRecord(BaseModel):
    order_id: uuid.UUID
    action: StockAction
    attempts: int
    last_error: str | None
    failed: bool
    next_attempt_at: datetime
