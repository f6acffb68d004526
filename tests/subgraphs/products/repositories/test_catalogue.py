"""Records read from a listing's columns are the records pydantic's `model_construct` builds from them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from subgraphs.products.models import ProductRecord
from subgraphs.products.repositories.catalogue import PRODUCT_COLUMN_NAMES, record_of_row

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@pytest.fixture
def columns() -> dict[str, Any]:
    return {
        "sku": "SKU-1",
        "name": "Kettle",
        "description": "Boils.",
        "price": Decimal("19.90"),
        "currency": "EUR",
        "image_url": None,
        "active": True,
        "id": uuid.uuid4(),
        "category_id": uuid.uuid4(),
        "stock_on_hand": 5,
        "stock_reserved": 2,
        "low_stock_threshold": 3,
        "created_at": NOW,
        "updated_at": NOW,
        "deleted_at": None,
    }


def row_of(columns: dict[str, Any], *extra: Any) -> tuple[Any, ...]:
    return (*(columns[name] for name in PRODUCT_COLUMN_NAMES), *extra)


def test_every_record_field_is_a_product_column() -> None:
    assert set(PRODUCT_COLUMN_NAMES) == set(ProductRecord.model_fields)


def test_a_record_of_a_row_is_the_record_model_construct_builds(columns: dict[str, Any]) -> None:
    record, constructed = record_of_row(row_of(columns)), ProductRecord.model_construct(**columns)
    assert (record, record.model_dump_json(), record.model_fields_set) == (
        constructed,
        constructed.model_dump_json(),
        constructed.model_fields_set,
    )


def test_columns_after_the_products_are_left_out(columns: dict[str, Any]) -> None:
    assert record_of_row(row_of(columns, Decimal("19.90"), "sort key")) == ProductRecord.model_construct(
        **columns
    )


def test_records_of_rows_share_no_state(columns: dict[str, Any]) -> None:
    first, second = record_of_row(row_of(columns)), record_of_row(row_of(columns))
    changed = first.model_copy(update={"name": "Teapot"})
    first.model_fields_set.discard("name")
    assert (second.name, second.model_fields_set == set(ProductRecord.model_fields), changed.name) == (
        "Kettle",
        True,
        "Teapot",
    )
