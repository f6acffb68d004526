"""The webhook tables (schema `orders`) and the records read from them.

An endpoint is a URL, the event types it wants (topic patterns such as `order.*`) and its secret. A
delivery is one event owed to one endpoint: queued once (unique per endpoint and event), then tried
until it succeeds or its retry window ends; it keeps what its last attempt saw.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import Column, DateTime, ForeignKey, Index, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlmodel import Field, SQLModel

from subgraphs.orders.models import SCHEMA, utc_now


def _timestamp(*, nullable: bool = False) -> Column[datetime]:
    return Column(DateTime(timezone=True), nullable=nullable)


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class WebhookEndpoint(SQLModel, table=True):
    __tablename__ = "webhook_endpoints"
    __table_args__ = {"schema": SCHEMA}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    url: str
    event_types: list[str] = Field(sa_column=Column(ARRAY(Text), nullable=False))
    # `whsec_` and the base64 key, as given or generated: the key signs, so it is kept as it is.
    secret: str
    active: bool = True
    created_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())


class WebhookDelivery(SQLModel, table=True):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_id", name="webhook_deliveries_endpoint_event"),
        Index(
            "webhook_deliveries_due",
            "next_attempt_at",
            postgresql_where=text("status = 'pending'"),
        ),
        Index("webhook_deliveries_endpoint_recent", "endpoint_id", "created_at", "id"),
        {"schema": SCHEMA},
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    endpoint_id: uuid.UUID = Field(
        sa_column=Column(
            UUID(as_uuid=True),
            ForeignKey(f"{SCHEMA}.webhook_endpoints.id", ondelete="CASCADE"),
            nullable=False,
        )
    )
    event_id: uuid.UUID
    event_type: str
    # The event's JSON exactly as it is sent (the signature covers these bytes).
    payload: str
    status: str = DeliveryStatus.PENDING.value
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())
    first_attempt_at: datetime | None = Field(default=None, sa_column=_timestamp(nullable=True))
    last_attempt_at: datetime | None = Field(default=None, sa_column=_timestamp(nullable=True))
    last_status_code: int | None = None
    last_response_ms: int | None = None
    last_error: str | None = None
    created_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())
    updated_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())


class EndpointRecord(BaseModel):
    id: uuid.UUID
    url: str
    event_types: list[str]
    active: bool
    created_at: datetime


class DeliveryRecord(BaseModel):
    id: uuid.UUID
    endpoint_id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    first_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_response_ms: int | None
    last_error: str | None
    created_at: datetime
    updated_at: datetime


class OutgoingDelivery(BaseModel):
    """What the worker needs to send a claimed delivery: where, with which secret, what."""

    id: uuid.UUID
    endpoint_id: uuid.UUID
    url: str
    secret: str
    event_id: uuid.UUID
    event_type: str
    payload: str
    attempts: int
    first_attempt_at: datetime | None
    # The claim's lease: the attempt is recorded only while the delivery still holds it.
    leased_until: datetime
