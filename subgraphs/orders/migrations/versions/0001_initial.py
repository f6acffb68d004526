"""Orders with their items, status history and payment; the stock tasks owed to products.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "orders"
TIMESTAMP = sa.DateTime(timezone=True)
MONEY = sa.Numeric(12, 2)
STATUSES = "'pending', 'paid', 'shipped', 'delivered', 'cancelled', 'payment_failed'"


def upgrade() -> None:
    op.execute(f'CREATE SEQUENCE "{SCHEMA}".order_number_seq START WITH 100001')
    op.create_table(
        "orders",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "number",
            sa.Text(),
            nullable=False,
            server_default=sa.text(f"'GC-' || nextval('\"{SCHEMA}\".order_number_seq')"),
        ),
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.Text(), nullable=False),
        sa.Column("request_hash", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("currency", sa.CHAR(3), nullable=False),
        sa.Column("subtotal", MONEY, nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("payment_method", sa.Text(), nullable=False),
        sa.Column("payment_status", sa.Text(), nullable=False),
        sa.Column("card_last4", sa.Text(), nullable=True),
        sa.Column("transaction_id", sa.Text(), nullable=True),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("refund_id", sa.Text(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("number", name="orders_number_key"),
        # The same key from the same customer is the same checkout: it is placed (and charged) once.
        sa.UniqueConstraint("customer_id", "idempotency_key", name="orders_idempotency_key"),
        sa.CheckConstraint(f"status IN ({STATUSES})", name="orders_status"),
        sa.CheckConstraint(
            "payment_status IN ('pending', 'succeeded', 'failed', 'refunded')", name="orders_payment_status"
        ),
        sa.CheckConstraint("subtotal >= 0 AND total >= 0", name="orders_money_not_negative"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_orders_customer_created", "orders", ["customer_id", "created_at", "id"], schema=SCHEMA
    )
    op.create_index("ix_orders_created", "orders", ["created_at", "id"], schema=SCHEMA)
    op.create_index("ix_orders_status_created", "orders", ["status", "created_at"], schema=SCHEMA)

    op.create_table(
        "order_items",
        sa.Column(
            "order_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey(f"{SCHEMA}.orders.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("product_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("product_name", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", MONEY, nullable=False),
        sa.Column("line_total", MONEY, nullable=False),
        sa.UniqueConstraint("order_id", "product_id", name="order_items_one_line_per_product"),
        sa.CheckConstraint("quantity > 0", name="order_items_quantity_positive"),
        sa.CheckConstraint("unit_price >= 0 AND line_total >= 0", name="order_items_money_not_negative"),
        schema=SCHEMA,
    )

    op.create_table(
        "order_history",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "order_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey(f"{SCHEMA}.orders.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("from_status", sa.Text(), nullable=True),
        sa.Column("to_status", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(f"to_status IN ({STATUSES})", name="order_history_to_status"),
        schema=SCHEMA,
    )
    op.create_index("ix_order_history_order_id", "order_history", ["order_id", "created_at"], schema=SCHEMA)

    op.create_table(
        "stock_tasks",
        sa.Column("order_id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("failed", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("next_attempt_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        sa.Column("created_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("action IN ('commit', 'release', 'return')", name="stock_tasks_action"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_stock_tasks_due",
        "stock_tasks",
        ["next_attempt_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("NOT failed"),
    )


def downgrade() -> None:
    op.drop_table("stock_tasks", schema=SCHEMA)
    op.drop_table("order_history", schema=SCHEMA)
    op.drop_table("order_items", schema=SCHEMA)
    op.drop_table("orders", schema=SCHEMA)
    op.execute(f'DROP SEQUENCE "{SCHEMA}".order_number_seq')
