"""The products subgraph's tables (PostgreSQL schema `products`) and the records read from them.

Families follow one pattern: `XBase` holds the columns callers may set, `X` is the table, `XRecord` is
the read model that services return and the entity cache stores (never a live ORM row).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Column, DateTime, Numeric
from sqlmodel import Field, SQLModel

from subgraphs.common.events import event_tables

SCHEMA = "products"
# The transactional outbox of this subgraph's domain events and its consumers' processed events.
EVENTS = event_tables(SQLModel.metadata, SCHEMA)


DEFAULT_LOW_STOCK_THRESHOLD = 5


def utc_now() -> datetime:
    return datetime.now(UTC)


def _timestamp() -> Column[datetime]:
    return Column(DateTime(timezone=True), nullable=False)


class CategoryBase(SQLModel):
    name: str
    slug: str
    description: str = ""
    parent_id: uuid.UUID | None = None


class Category(CategoryBase, table=True):
    __tablename__ = "categories"
    __table_args__ = {"schema": SCHEMA}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    parent_id: uuid.UUID | None = Field(default=None, foreign_key=f"{SCHEMA}.categories.id", index=True)
    created_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())
    updated_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())


class CategoryRecord(CategoryBase):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime


class ProductBase(SQLModel):
    sku: str
    name: str
    description: str = ""
    price: Decimal = Field(sa_column=Column(Numeric(12, 2), nullable=False))
    currency: str = "USD"
    image_url: str | None = None
    category_id: uuid.UUID | None = None
    active: bool = True


class Product(ProductBase, table=True):
    __tablename__ = "products"
    __table_args__ = {"schema": SCHEMA}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    category_id: uuid.UUID | None = Field(default=None, foreign_key=f"{SCHEMA}.categories.id", index=True)
    stock_on_hand: int = 0
    stock_reserved: int = 0
    # `stock.low` is emitted when available stock drops below it (docs/events.md).
    low_stock_threshold: int = DEFAULT_LOW_STOCK_THRESHOLD
    created_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())
    updated_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())
    deleted_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class ProductRecord(ProductBase):
    """A product as read: what `_entities`, `product` and `products` answer, and what Redis caches."""

    # Frozen: one decoded record is shared by the requests that read the same cached bytes.
    model_config = ConfigDict(frozen=True)  # type: ignore[assignment]  # SQLModel merges it into its own

    id: uuid.UUID
    stock_on_hand: int
    stock_reserved: int
    low_stock_threshold: int = DEFAULT_LOW_STOCK_THRESHOLD
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None

    @property
    def stock_available(self) -> int:
        return self.stock_on_hand - self.stock_reserved


class ReservationStatus(StrEnum):
    RESERVED = "reserved"
    RELEASED = "released"
    COMMITTED = "committed"
    RETURNED = "returned"
    EXPIRED = "expired"  # released by the expiry worker: the order never settled it in time


class StockReservation(SQLModel, table=True):
    """One order's hold on stock; its status makes reserve, release and commit idempotent. A hold still
    RESERVED at `expires_at` is released by the expiry worker (`expiry.py`)."""

    __tablename__ = "stock_reservations"
    __table_args__ = {"schema": SCHEMA}

    order_id: uuid.UUID = Field(primary_key=True)
    status: str = ReservationStatus.RESERVED.value
    created_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())
    updated_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())
    expires_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())


class StockReservationLine(SQLModel, table=True):
    __tablename__ = "stock_reservation_lines"
    __table_args__ = {"schema": SCHEMA}

    order_id: uuid.UUID = Field(primary_key=True, foreign_key=f"{SCHEMA}.stock_reservations.order_id")
    product_id: uuid.UUID = Field(primary_key=True, foreign_key=f"{SCHEMA}.products.id")
    quantity: int


class MovementKind(StrEnum):
    RESTOCK = "restock"
    ADJUSTMENT = "adjustment"
    RESERVATION = "reservation"
    RELEASE = "release"
    SALE = "sale"
    RETURN = "return"


class StockMovement(SQLModel, table=True):
    """The stock ledger: every change to a product's on-hand or reserved count, with why and by whom."""

    __tablename__ = "stock_movements"
    __table_args__ = {"schema": SCHEMA}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    product_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.products.id", index=True)
    kind: str
    on_hand_delta: int = 0
    reserved_delta: int = 0
    reason: str = ""
    order_id: uuid.UUID | None = None
    actor: str | None = None
    created_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())


class StockMovementRecord(BaseModel):
    id: uuid.UUID
    product_id: uuid.UUID
    kind: MovementKind
    on_hand_delta: int
    reserved_delta: int
    reason: str
    order_id: uuid.UUID | None
    actor: str | None
    created_at: datetime


class ReservationLine(BaseModel):
    product_id: uuid.UUID
    quantity: int


class ReservationRecord(BaseModel):
    order_id: uuid.UUID
    status: ReservationStatus
    lines: list[ReservationLine]


class CategoryTreeSnapshot(BaseModel):
    """Every category at once: the tree is small and read on most requests, so it is cached whole."""

    categories: list[CategoryRecord]
