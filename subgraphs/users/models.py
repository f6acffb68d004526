"""The users subgraph's tables (PostgreSQL schema `users`) and the records read from them.

`UserRecord` is what services return and Redis caches: it never holds the password hash.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import ConfigDict
from sqlalchemy import Column, DateTime, Index, Text, text
from sqlmodel import Field, SQLModel

from subgraphs.common.events import event_tables

SCHEMA = "users"
# The transactional outbox of this subgraph's domain events and its consumers' processed events.
EVENTS = event_tables(SQLModel.metadata, SCHEMA)


def utc_now() -> datetime:
    return datetime.now(UTC)


def _timestamp(nullable: bool = False) -> Column[datetime]:
    return Column(DateTime(timezone=True), nullable=nullable)


class UserRole(StrEnum):
    """The roles a person's account can have (services get `service` tokens another way)."""

    CUSTOMER = "customer"
    ADMIN = "admin"


class UserBase(SQLModel):
    email: str
    first_name: str
    last_name: str
    phone: str | None = None
    role: UserRole = UserRole.CUSTOMER


class User(UserBase, table=True):
    __tablename__ = "users"
    __table_args__ = {"schema": SCHEMA}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    role: UserRole = Field(default=UserRole.CUSTOMER, sa_column=Column(Text, nullable=False))
    password_hash: str
    created_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())
    updated_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())
    deleted_at: datetime | None = Field(default=None, sa_column=_timestamp(nullable=True))


class UserRecord(UserBase):
    # Frozen: one decoded record is shared by the requests that read the same cached bytes.
    model_config = ConfigDict(frozen=True)  # type: ignore[assignment]  # SQLModel merges it into its own

    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class RefreshToken(SQLModel, table=True):
    """One refresh token. Tokens rotated from one sign-in share a `family_id`, which is also the
    session id (`sid`) in access tokens, so a whole session can be revoked at once."""

    __tablename__ = "refresh_tokens"
    __table_args__ = (
        # The revoked-session set in Redis is rebuilt from the recently revoked rows (migration 0002).
        Index(
            "ix_refresh_tokens_revoked_at",
            "revoked_at",
            postgresql_where=text("revoked_at IS NOT NULL"),
        ),
        {"schema": SCHEMA},
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    family_id: uuid.UUID = Field(index=True)
    user_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.users.id", index=True)
    token_hash: str = Field(unique=True)
    created_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())
    expires_at: datetime = Field(sa_column=_timestamp())
    used_at: datetime | None = Field(default=None, sa_column=_timestamp(nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=_timestamp(nullable=True))


class RefreshTokenRecord(SQLModel):
    id: uuid.UUID
    family_id: uuid.UUID
    user_id: uuid.UUID
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None
