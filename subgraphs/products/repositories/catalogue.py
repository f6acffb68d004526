"""SQL for the catalogue: categories and products (reading, listing, writing their details). Functions
take a session and keyword-only arguments and return records; they never commit (the service owns the
transaction).
"""

from __future__ import annotations

import operator
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import (
    func,
    update,
)
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.db import apply_changes, column_rows, flush_or_conflict
from subgraphs.products.models import Category, CategoryRecord, Product, ProductRecord


def _record(row: Product) -> ProductRecord:
    return ProductRecord.model_validate(row, from_attributes=True)


PRODUCT_COLUMNS = tuple(Product.__table__.columns)  # type: ignore[attr-defined]
PRODUCT_COLUMN_NAMES = tuple(column.name for column in PRODUCT_COLUMNS)
_RECORD_FIELDS = tuple(ProductRecord.model_fields)
_RECORD_FIELDS_SET = frozenset(_RECORD_FIELDS)
_record_values = operator.itemgetter(*(PRODUCT_COLUMN_NAMES.index(name) for name in _RECORD_FIELDS))


def record_of_row(row: Sequence[Any]) -> ProductRecord:
    """A record from a row that starts with `PRODUCT_COLUMNS`, read without ORM objects: the columns
    already hold the record's types, so nothing is converted or validated again.

    Built as `model_construct` builds it when given every field (the same values in field order, every
    field set), without its per-field walk over aliases and defaults: 1.7 against 6.2 us a row, and a
    listing reads a page of them."""
    record: ProductRecord = ProductRecord.__new__(ProductRecord)  # SQLModel's: pydantic's slots set
    object.__setattr__(record, "__dict__", dict(zip(_RECORD_FIELDS, _record_values(row), strict=True)))
    object.__setattr__(record, "__pydantic_fields_set__", set(_RECORD_FIELDS_SET))
    return record


def _category_record(row: Category) -> CategoryRecord:
    return CategoryRecord.model_validate(row, from_attributes=True)


# ---------------------------------------------------------------- categories


async def list_categories(*, session: AsyncSession) -> list[CategoryRecord]:
    rows = await session.exec(select(Category).order_by(col(Category.name), col(Category.id)))
    return [_category_record(row) for row in rows]


async def insert_category(*, session: AsyncSession, values: Mapping[str, Any]) -> CategoryRecord:
    row = Category(**values)
    session.add(row)
    await flush_or_conflict(session, f"A category with slug '{values.get('slug')}' already exists.")
    return _category_record(row)


async def update_category(
    *, session: AsyncSession, category_id: uuid.UUID, changes: Mapping[str, Any]
) -> CategoryRecord | None:
    row = await session.get(Category, category_id, with_for_update=True)
    if row is None:
        return None
    apply_changes(row, changes)
    await flush_or_conflict(session, f"A category with slug '{changes.get('slug')}' already exists.")
    return _category_record(row)


async def delete_category(*, session: AsyncSession, category_id: uuid.UUID) -> bool:
    """Delete a category; deleted products that were in it let go of it first (they keep resolving)."""
    row = await session.get(Category, category_id)
    if row is None:
        return False
    await session.exec(
        update(Product)
        .where(col(Product.category_id) == category_id, col(Product.deleted_at).is_not(None))
        .values(category_id=None)
    )
    await session.delete(row)
    await flush_or_conflict(session, "The category is still in use.")
    return True


async def lock_category_tree(*, session: AsyncSession) -> None:
    """Serialise changes to the tree's shape, so two concurrent moves cannot make a cycle."""
    await session.exec(select(func.pg_advisory_xact_lock(func.hashtext("products.categories"))))


async def count_products_in_category(*, session: AsyncSession, category_id: uuid.UUID) -> int:
    statement = (
        select(func.count())
        .select_from(Product)
        .where(col(Product.category_id) == category_id, col(Product.deleted_at).is_(None))
    )
    return int((await session.exec(statement)).one())


# ---------------------------------------------------------------- products


async def get_products(*, session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ProductRecord]:
    """Products by id, deleted ones included (orders keep pointing at them): one query."""
    if not ids:
        return {}
    rows = await column_rows(session, select(*PRODUCT_COLUMNS).where(col(Product.id).in_(list(ids))))
    records = [record_of_row(row) for row in rows]
    return {record.id: record for record in records}


async def get_live_product_by_sku(*, session: AsyncSession, sku: str) -> ProductRecord | None:
    statement = select(Product).where(col(Product.sku) == sku, col(Product.deleted_at).is_(None))
    row = (await session.exec(statement)).first()
    return _record(row) if row is not None else None


async def insert_product(*, session: AsyncSession, values: Mapping[str, Any]) -> ProductRecord:
    row = Product(**values)
    session.add(row)
    await flush_or_conflict(session, f"A product with SKU '{values.get('sku')}' already exists.")
    return _record(row)


async def update_product(
    *, session: AsyncSession, product_id: uuid.UUID, changes: Mapping[str, Any]
) -> ProductRecord | None:
    """Apply `changes` to a live product; None when there is no such product."""
    row = await session.get(Product, product_id, with_for_update=True)
    if row is None or row.deleted_at is not None:
        return None
    apply_changes(row, changes)
    await flush_or_conflict(session, f"A product with SKU '{changes.get('sku')}' already exists.")
    return _record(row)
