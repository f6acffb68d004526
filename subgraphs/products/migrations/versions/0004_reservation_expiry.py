"""Reservations expire: `expires_at` on each reservation and the status `expired` for one the expiry
worker released (docs/architecture.md). Existing reservations expire 15 minutes (the default hold) after
they were made.

Revision ID: 0004_reservation_expiry
Revises: 0003_events
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_reservation_expiry"
down_revision: str | None = "0003_events"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "products"


def upgrade() -> None:
    op.add_column(
        "stock_reservations",
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        schema=SCHEMA,
    )
    op.execute("UPDATE products.stock_reservations SET expires_at = created_at + interval '15 minutes'")
    op.alter_column("stock_reservations", "expires_at", nullable=False, schema=SCHEMA)
    # What the expiry worker scans: only holds still in force.
    op.create_index(
        "stock_reservations_expiring",
        "stock_reservations",
        ["expires_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("status = 'reserved'"),
    )
    op.drop_constraint("stock_reservations_status", "stock_reservations", schema=SCHEMA, type_="check")
    op.create_check_constraint(
        "stock_reservations_status",
        "stock_reservations",
        "status IN ('reserved', 'released', 'committed', 'returned', 'expired')",
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.execute("UPDATE products.stock_reservations SET status = 'released' WHERE status = 'expired'")
    op.drop_constraint("stock_reservations_status", "stock_reservations", schema=SCHEMA, type_="check")
    op.create_check_constraint(
        "stock_reservations_status",
        "stock_reservations",
        "status IN ('reserved', 'released', 'committed', 'returned')",
        schema=SCHEMA,
    )
    op.drop_index("stock_reservations_expiring", "stock_reservations", schema=SCHEMA)
    op.drop_column("stock_reservations", "expires_at", schema=SCHEMA)
