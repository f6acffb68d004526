"""Returning a sold order's stock: reservation status `returned` and ledger kind `return`.

Revision ID: 0002_returns
Revises: 0001_initial
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002_returns"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "products"


def upgrade() -> None:
    op.drop_constraint("stock_reservations_status", "stock_reservations", schema=SCHEMA, type_="check")
    op.create_check_constraint(
        "stock_reservations_status",
        "stock_reservations",
        "status IN ('reserved', 'released', 'committed', 'returned')",
        schema=SCHEMA,
    )
    op.drop_constraint("stock_movements_kind", "stock_movements", schema=SCHEMA, type_="check")
    op.create_check_constraint(
        "stock_movements_kind",
        "stock_movements",
        "kind IN ('restock', 'adjustment', 'reservation', 'release', 'sale', 'return')",
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_constraint("stock_movements_kind", "stock_movements", schema=SCHEMA, type_="check")
    op.create_check_constraint(
        "stock_movements_kind",
        "stock_movements",
        "kind IN ('restock', 'adjustment', 'reservation', 'release', 'sale')",
        schema=SCHEMA,
    )
    op.drop_constraint("stock_reservations_status", "stock_reservations", schema=SCHEMA, type_="check")
    op.create_check_constraint(
        "stock_reservations_status",
        "stock_reservations",
        "status IN ('reserved', 'released', 'committed')",
        schema=SCHEMA,
    )
