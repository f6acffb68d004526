"""What each products use case accepts, as Pydantic model families: `ProductCreate`/`ProductUpdate`,
`CategoryCreate`/`CategoryUpdate`, `Restock`, `StockAdjustment` and `StockHold`.

Resolvers build them with `parse_input` (subgraphs/common/model_inputs.py), services take them. Each rule
lives here once and refuses with BAD_USER_INPUT naming the field as the client spells it. The rules
that need the database (does the category exist?) stay in the services.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from subgraphs.common.errors import BadUserInputError
from subgraphs.common.ids import parse_id
from subgraphs.products.models import ReservationLine

MAX_QUANTITY = 1_000_000
MAX_PRICE = Decimal("9999999999.99")
SKU_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,63}$")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")


# ---------------------------------------------------------------- value rules


def text(value: Any, field: str, *, max_length: int, required: bool = True) -> str:
    """Trimmed text of at most `max_length` characters; not empty when `required`."""
    if not isinstance(value, str):
        raise BadUserInputError(f"{field} must be text.", field=field)
    trimmed: str = value.strip()
    if required and not trimmed:
        raise BadUserInputError(f"{field} must not be empty.", field=field)
    if len(trimmed) > max_length:
        raise BadUserInputError(f"{field} must be at most {max_length} characters.", field=field)
    return trimmed


def price(value: Any) -> Decimal:
    """A non-negative amount in cents (two decimal places at most)."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise BadUserInputError("price must be a decimal number.", field="price") from error
    if not amount.is_finite() or amount < 0:
        raise BadUserInputError("price must not be negative.", field="price")
    if amount > MAX_PRICE:
        raise BadUserInputError("price is too large.", field="price")
    if amount != amount.quantize(Decimal("0.01")):
        raise BadUserInputError("price has at most two decimal places.", field="price")
    return amount.quantize(Decimal("0.01"))


def image_url(value: Any) -> str | None:
    """An http(s) URL, or None (no image)."""
    if value is None:
        return None
    url = text(value, "imageUrl", max_length=2048)
    try:
        parsed = urlparse(url)
    except ValueError as error:
        raise BadUserInputError("imageUrl must be an http(s) URL.", field="imageUrl") from error
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise BadUserInputError("imageUrl must be an http(s) URL.", field="imageUrl")
    return url


def sku(value: Any) -> str:
    """Upper-cased letters, digits, '.', '_' and '-'."""
    code = text(value, "sku", max_length=64).upper()
    if not SKU_PATTERN.match(code):
        raise BadUserInputError("sku must be 1-64 letters, digits, '.', '_' or '-'.", field="sku")
    return code


def currency(value: Any) -> str:
    code = text(value, "currency", max_length=3).upper()
    if not CURRENCY_PATTERN.match(code):
        raise BadUserInputError("currency must be a three-letter ISO 4217 code.", field="currency")
    return code


def slug(value: Any) -> str:
    """Lower-case words joined by '-', made from whatever text is given."""
    made = re.sub(r"[^a-z0-9]+", "-", text(value, "slug", max_length=100).lower()).strip("-")
    if not SLUG_PATTERN.match(made):
        raise BadUserInputError("slug must contain letters or digits.", field="slug")
    return made


def quantity(value: int, field: str) -> int:
    if value <= 0 or value > MAX_QUANTITY:
        raise BadUserInputError(f"{field} must be between 1 and {MAX_QUANTITY}.", field=field)
    return value


def optional_id(value: Any, field: str) -> uuid.UUID | None:
    return parse_id(value, field) if value is not None else None


def not_null(value: Any, field: str) -> Any:
    if value is None:
        raise BadUserInputError(f"{field} cannot be null.", field=field)
    return value


# ---------------------------------------------------------------- products


class ProductFields(BaseModel):
    """The rules a product's fields follow, whether it is created or changed. Fields are checked in
    the order they are declared; the first one refused is reported."""

    model_config = ConfigDict(frozen=True)

    @field_validator("sku", mode="before", check_fields=False)
    @classmethod
    def _sku(cls, value: Any) -> str:
        return sku(not_null(value, "sku"))

    @field_validator("name", mode="before", check_fields=False)
    @classmethod
    def _name(cls, value: Any) -> str:
        return text(not_null(value, "name"), "name", max_length=200)

    @field_validator("description", mode="before", check_fields=False)
    @classmethod
    def _description(cls, value: Any) -> str:
        return text(value if value is not None else "", "description", max_length=10_000, required=False)

    @field_validator("price", mode="before", check_fields=False)
    @classmethod
    def _price(cls, value: Any) -> Decimal:
        return price(not_null(value, "price"))

    @field_validator("currency", mode="before", check_fields=False)
    @classmethod
    def _currency(cls, value: Any) -> str:
        return currency(not_null(value, "currency"))

    @field_validator("image_url", mode="before", check_fields=False)
    @classmethod
    def _image_url(cls, value: Any) -> str | None:
        return image_url(value)

    @field_validator("active", mode="before", check_fields=False)
    @classmethod
    def _active(cls, value: Any) -> bool:
        return bool(not_null(value, "active"))

    @field_validator("category_id", mode="before", check_fields=False)
    @classmethod
    def _category_id(cls, value: Any) -> uuid.UUID | None:
        return value if isinstance(value, uuid.UUID) else optional_id(value, "categoryId")


class ProductCreate(ProductFields):
    """A new product; `initial_stock` goes on hand (and into the ledger) as it is created."""

    sku: str
    name: str
    description: str = ""
    price: Decimal
    currency: str = "USD"
    image_url: str | None = None
    active: bool = True
    category_id: uuid.UUID | None = None
    initial_stock: int = 0

    @model_validator(mode="before")
    @classmethod
    def _required(cls, values: Any) -> Any:
        if isinstance(values, dict):
            missing = [name for name in ("sku", "name", "price") if values.get(name) is None]
            if missing:
                raise BadUserInputError(f"{missing[0]} is required.", field=missing[0])
        return values

    @field_validator("initial_stock")
    @classmethod
    def _initial_stock(cls, value: int) -> int:
        if value < 0 or value > MAX_QUANTITY:
            raise BadUserInputError(
                f"initialStock must be between 0 and {MAX_QUANTITY}.", field="initialStock"
            )
        return value

    def columns(self) -> dict[str, Any]:
        """The product's columns (its stock is counted apart, with a ledger entry)."""
        return self.model_dump(exclude={"initial_stock"})


class ProductUpdate(ProductFields):
    """Changes to a product: only the fields given change (`given(update)`); `null` clears imageUrl or
    categoryId (and empties the description), and is refused for the others."""

    sku: str | None = None
    name: str | None = None
    description: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    image_url: str | None = None
    active: bool | None = None
    category_id: uuid.UUID | None = None


# ---------------------------------------------------------------- categories


class CategoryFields(BaseModel):
    model_config = ConfigDict(frozen=True)

    @field_validator("name", mode="before", check_fields=False)
    @classmethod
    def _name(cls, value: Any) -> str:
        return text(value, "name", max_length=100)

    @field_validator("slug", mode="before", check_fields=False)
    @classmethod
    def _slug(cls, value: Any) -> str:
        return slug(value)

    @field_validator("description", mode="before", check_fields=False)
    @classmethod
    def _description(cls, value: Any) -> str:
        return text(value or "", "description", max_length=2000, required=False)


class CategoryCreate(CategoryFields):
    """A new category, under `parent_id` or as a root; its slug is made from the name when not given."""

    name: str
    slug: str
    description: str = ""
    parent_id: uuid.UUID | None = None

    @model_validator(mode="before")
    @classmethod
    def _slug_from_name(cls, values: Any) -> Any:
        if isinstance(values, dict) and values.get("slug") is None:
            return {**values, "slug": values.get("name")}
        return values

    @field_validator("parent_id", mode="before")
    @classmethod
    def _parent_id(cls, value: Any) -> uuid.UUID | None:
        return value if isinstance(value, uuid.UUID) else optional_id(value, "parentId")

    def columns(self) -> dict[str, Any]:
        return self.model_dump()


class CategoryUpdate(CategoryFields):
    """Changes to a category's name, slug or description; only those given change."""

    name: str | None = None
    slug: str | None = None
    description: str | None = None


# ---------------------------------------------------------------- stock


class Restock(BaseModel):
    """Stock received into the warehouse; the note is the ledger's reason."""

    model_config = ConfigDict(frozen=True)

    quantity: int
    note: str = "restock"

    @field_validator("quantity")
    @classmethod
    def _quantity(cls, value: int) -> int:
        return quantity(value, "quantity")

    @field_validator("note", mode="before")
    @classmethod
    def _note(cls, value: Any) -> str:
        return text(value or "restock", "note", max_length=500)


class StockAdjustment(BaseModel):
    """A correction of the on-hand count, up or down, with the reason the ledger keeps."""

    model_config = ConfigDict(frozen=True)

    delta: int
    reason: str

    @field_validator("delta")
    @classmethod
    def _delta(cls, value: int) -> int:
        if value == 0 or abs(value) > MAX_QUANTITY:
            raise BadUserInputError(
                f"delta must be non-zero and at most {MAX_QUANTITY} either way.", field="delta"
            )
        return value

    @field_validator("reason", mode="before")
    @classmethod
    def _reason(cls, value: Any) -> str:
        return text(value, "reason", max_length=500)


def merge_lines(lines: Sequence[tuple[Any, int]]) -> list[ReservationLine]:
    """One line per product (quantities added), in product-id order so row locks never deadlock."""
    parsed = [
        (product_id if isinstance(product_id, uuid.UUID) else parse_id(product_id, "productId"), amount)
        for product_id, amount in lines
    ]
    merged: dict[uuid.UUID, int] = {}
    for product_id, amount in parsed:
        if amount <= 0 or amount > MAX_QUANTITY:
            raise BadUserInputError(f"quantity must be between 1 and {MAX_QUANTITY}.", field="quantity")
        merged[product_id] = merged.get(product_id, 0) + amount
    if not merged:
        raise BadUserInputError("A reservation needs at least one item.", field="items")
    return [ReservationLine(product_id=key, quantity=amount) for key, amount in sorted(merged.items())]


class StockHold(BaseModel):
    """The stock an order asks to hold: `(product id, quantity)` pairs, merged per product."""

    model_config = ConfigDict(frozen=True)

    lines: list[ReservationLine]

    @field_validator("lines", mode="before")
    @classmethod
    def _lines(cls, value: Any) -> list[ReservationLine]:
        return merge_lines(value)
