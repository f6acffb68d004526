"""Categories, products with stock, reservations and the stock ledger; full-text and trigram search.

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

SCHEMA = "products"
TIMESTAMP = sa.DateTime(timezone=True)
SEARCH_DOCUMENT = (
    "setweight(to_tsvector('english', coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce(sku, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(description, '')), 'B')"
)


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
    ]


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
    op.create_table(
        "categories",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "parent_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey(f"{SCHEMA}.categories.id"),
            nullable=True,
        ),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("slug", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False, server_default=""),
        *_timestamps(),
        sa.UniqueConstraint("slug", name="categories_slug_key"),
        sa.CheckConstraint("parent_id IS DISTINCT FROM id", name="categories_not_own_parent"),
        schema=SCHEMA,
    )
    op.create_index("ix_categories_parent_id", "categories", ["parent_id"], schema=SCHEMA)

    op.create_table(
        "products",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False, server_default=""),
        sa.Column("price", sa.Numeric(12, 2), nullable=False),
        sa.Column("currency", sa.CHAR(3), nullable=False, server_default="USD"),
        sa.Column("image_url", sa.Text(), nullable=True),
        sa.Column(
            "category_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey(f"{SCHEMA}.categories.id"),
            nullable=True,
        ),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("stock_on_hand", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("stock_reserved", sa.Integer(), nullable=False, server_default="0"),
        *_timestamps(),
        sa.Column("deleted_at", TIMESTAMP, nullable=True),
        sa.Column("search_vector", postgresql.TSVECTOR(), sa.Computed(SEARCH_DOCUMENT, persisted=True)),
        sa.CheckConstraint("price >= 0", name="products_price_not_negative"),
        sa.CheckConstraint("stock_on_hand >= 0", name="products_on_hand_not_negative"),
        sa.CheckConstraint("stock_reserved >= 0", name="products_reserved_not_negative"),
        sa.CheckConstraint("stock_reserved <= stock_on_hand", name="products_reserved_within_on_hand"),
        schema=SCHEMA,
    )
    # A deleted product's SKU may be used again.
    op.create_index(
        "ux_products_sku_live",
        "products",
        ["sku"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index("ix_products_category_id", "products", ["category_id"], schema=SCHEMA)
    op.create_index(
        "ix_products_search_vector", "products", ["search_vector"], schema=SCHEMA, postgresql_using="gin"
    )
    op.create_index(
        "ix_products_name_trgm",
        "products",
        ["name"],
        schema=SCHEMA,
        postgresql_using="gin",
        postgresql_ops={"name": "public.gin_trgm_ops"},
    )
    op.create_index("ix_products_price", "products", ["price", "id"], schema=SCHEMA)
    op.create_index("ix_products_created_at", "products", ["created_at", "id"], schema=SCHEMA)

    op.create_table(
        "stock_reservations",
        sa.Column("order_id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("status", sa.Text(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint(
            "status IN ('reserved', 'released', 'committed')", name="stock_reservations_status"
        ),
        schema=SCHEMA,
    )
    op.create_table(
        "stock_reservation_lines",
        sa.Column(
            "order_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey(f"{SCHEMA}.stock_reservations.order_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "product_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey(f"{SCHEMA}.products.id"),
            primary_key=True,
        ),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name="stock_reservation_lines_quantity_positive"),
        schema=SCHEMA,
    )
    op.create_table(
        "stock_movements",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "product_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey(f"{SCHEMA}.products.id"),
            nullable=False,
        ),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("on_hand_delta", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("reserved_delta", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("order_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("actor", sa.Text(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(
            "kind IN ('restock', 'adjustment', 'reservation', 'release', 'sale')", name="stock_movements_kind"
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_stock_movements_product_id", "stock_movements", ["product_id", "created_at"], schema=SCHEMA
    )


def downgrade() -> None:
    op.drop_table("stock_movements", schema=SCHEMA)
    op.drop_table("stock_reservation_lines", schema=SCHEMA)
    op.drop_table("stock_reservations", schema=SCHEMA)
    op.drop_table("products", schema=SCHEMA)
    op.drop_table("categories", schema=SCHEMA)
