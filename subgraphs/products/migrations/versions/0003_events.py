"""The transactional outbox of domain events, the consumers' processed events, and each product's
low-stock threshold (`stock.low`).

Revision ID: 0003_events
Revises: 0002_returns
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003_events"
down_revision: str | None = "0002_returns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "products"
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "event_outbox",
        sa.Column("position", sa.BigInteger(), sa.Identity(always=True), primary_key=True),
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("time", TIMESTAMP, nullable=False),
        sa.Column("aggregate_type", sa.Text(), nullable=False),
        sa.Column("aggregate_id", sa.Text(), nullable=False),
        sa.Column("aggregate_version", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Text(), nullable=True),
        sa.Column("trace_id", sa.Text(), nullable=True),
        sa.Column("data", postgresql.JSONB(), nullable=False),
        sa.Column("sent_at", TIMESTAMP, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.UniqueConstraint("id", name="event_outbox_id"),
        sa.UniqueConstraint(
            "aggregate_type", "aggregate_id", "aggregate_version", name="event_outbox_aggregate_version"
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "event_outbox_unsent",
        "event_outbox",
        ["position"],
        schema=SCHEMA,
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.create_table(
        "processed_events",
        sa.Column("consumer", sa.Text(), primary_key=True),
        sa.Column("event_id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("processed_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )
    op.add_column(
        "products",
        sa.Column("low_stock_threshold", sa.Integer(), nullable=False, server_default=sa.text("5")),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_column("products", "low_stock_threshold", schema=SCHEMA)
    op.drop_table("processed_events", schema=SCHEMA)
    op.drop_index("event_outbox_unsent", "event_outbox", schema=SCHEMA)
    op.drop_table("event_outbox", schema=SCHEMA)
