"""The products use cases' input models: each rule refuses with BAD_USER_INPUT naming the field as the
client spells it, and an update keeps "not given" apart from null."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel

from subgraphs.common.errors import BadUserInputError
from subgraphs.common.model_inputs import given
from subgraphs.products.models import ReservationLine
from subgraphs.products.schemas import (
    CategoryCreate,
    CategoryUpdate,
    ProductCreate,
    ProductUpdate,
    Restock,
    StockAdjustment,
    StockHold,
)


def refusal(model: type[BaseModel], **values: Any) -> BadUserInputError:
    with pytest.raises(BadUserInputError) as raised:
        model.model_validate(values)
    return raised.value


def new_product(**overrides: Any) -> ProductCreate:
    return ProductCreate.model_validate(
        {"sku": "ab-1", "name": " Kettle ", "price": Decimal("12.5"), **overrides}
    )


def test_a_new_product_is_cleaned_up() -> None:
    product = new_product()

    assert (product.sku, product.name, product.price, product.currency) == (
        "AB-1",
        "Kettle",
        Decimal("12.50"),
        "USD",
    )


def test_a_new_products_columns_leave_the_initial_stock_out() -> None:
    assert "initial_stock" not in new_product(initial_stock=3).columns()


def test_a_missing_required_field_is_named() -> None:
    error = refusal(ProductCreate, sku="AB-1", name="Kettle")

    assert (error.message, error.extensions["field"]) == ("price is required.", "price")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"price": Decimal("-1")}, "price", "price must not be negative."),
        ({"price": Decimal("1.005")}, "price", "price has at most two decimal places."),
        ({"price": Decimal("1e11")}, "price", "price is too large."),
        ({"price": "cheap"}, "price", "price must be a decimal number."),
        ({"currency": "dollars"}, "currency", "currency must be at most 3 characters."),
        ({"currency": "U1D"}, "currency", "currency must be a three-letter ISO 4217 code."),
        ({"name": "   "}, "name", "name must not be empty."),
        ({"sku": "has spaces"}, "sku", "sku must be 1-64 letters, digits, '.', '_' or '-'."),
        ({"image_url": "javascript:alert(1)"}, "imageUrl", "imageUrl must be an http(s) URL."),
        ({"category_id": "nope"}, "categoryId", "categoryId is not a valid id."),
        ({"initial_stock": -1}, "initialStock", "initialStock must be between 0 and 1000000."),
    ],
)
def test_a_bad_product_field_is_refused_with_its_message(
    overrides: dict[str, Any], field: str, message: str
) -> None:
    error = refusal(ProductCreate, **{"sku": "AB-1", "name": "Kettle", "price": Decimal("1.00"), **overrides})

    assert (error.message, error.extensions["field"]) == (message, field)


def test_an_update_gives_only_what_was_sent() -> None:
    update = ProductUpdate.model_validate({"name": "After", "image_url": None})

    assert given(update) == {"name": "After", "image_url": None}


def test_an_update_refuses_null_for_a_required_field() -> None:
    error = refusal(ProductUpdate, price=None)

    assert (error.message, error.extensions["field"]) == ("price cannot be null.", "price")


def test_an_update_that_clears_the_description_empties_it() -> None:
    assert given(ProductUpdate.model_validate({"description": None})) == {"description": ""}


def test_an_update_reads_the_category_id() -> None:
    category = uuid.uuid4()

    assert ProductUpdate.model_validate({"category_id": str(category)}).category_id == category


def test_a_new_categorys_slug_is_made_from_its_name() -> None:
    assert CategoryCreate.model_validate({"name": " Garden Tools "}).slug == "garden-tools"


def test_a_slug_without_letters_or_digits_is_refused() -> None:
    error = refusal(CategoryCreate, name="Books", slug="--")

    assert (error.message, error.extensions["field"]) == ("slug must contain letters or digits.", "slug")


def test_a_bad_parent_id_is_named_as_the_client_spells_it() -> None:
    assert refusal(CategoryCreate, name="Books", parent_id="nope").extensions["field"] == "parentId"


def test_a_category_update_refuses_a_null_name() -> None:
    assert refusal(CategoryUpdate, name=None).message == "name must be text."


def test_a_restock_without_a_note_says_restock() -> None:
    assert Restock.model_validate({"quantity": 2, "note": None}).note == "restock"


def test_a_restock_of_nothing_is_refused() -> None:
    assert refusal(Restock, quantity=0).message == "quantity must be between 1 and 1000000."


def test_an_adjustment_of_zero_is_refused() -> None:
    error = refusal(StockAdjustment, delta=0, reason="count")

    assert (error.message, error.extensions["field"]) == (
        "delta must be non-zero and at most 1000000 either way.",
        "delta",
    )


def test_an_adjustment_needs_a_reason() -> None:
    assert refusal(StockAdjustment, delta=1, reason=" ").extensions["field"] == "reason"


def test_a_hold_merges_lines_per_product_in_product_id_order() -> None:
    first, second = sorted([uuid.uuid4(), uuid.uuid4()])

    hold = StockHold.model_validate({"lines": [(str(second), 1), (str(first), 2), (str(second), 3)]})

    assert hold.lines == [
        ReservationLine(product_id=first, quantity=2),
        ReservationLine(product_id=second, quantity=4),
    ]


def test_a_hold_with_no_lines_is_refused() -> None:
    assert refusal(StockHold, lines=[]).extensions["field"] == "items"


def test_a_hold_reads_every_product_id_before_the_quantities() -> None:
    error = refusal(StockHold, lines=[(str(uuid.uuid4()), 0), ("nope", 1)])

    assert error.extensions["field"] == "productId"
