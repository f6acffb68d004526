"""GraphQL inputs and enums of the products subgraph."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from subgraphs.common.costs import search_cost


@strawberry.input(description="Which products a listing shows; every condition must hold.")
class ProductFilter:
    search: str | None = strawberry.field(
        default=None,
        description="Words to find in name, SKU and description; tolerant of misspellings.",
        directives=[search_cost()],
    )
    category_id: strawberry.ID | None = None
    category_slug: str | None = None
    include_subcategories: bool = strawberry.field(
        default=True, description="With a category: also the products of its descendants."
    )
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool | None = strawberry.field(default=None, description="Only products with available stock.")
    include_inactive: bool = strawberry.field(
        default=False, description="Admins only: inactive products too."
    )


@strawberry.input
class CreateProductInput:
    sku: str
    name: str
    price: Decimal
    description: str = ""
    currency: str = "USD"
    image_url: str | None = None
    category_id: strawberry.ID | None = None
    active: bool = True
    initial_stock: int = 0


@strawberry.input(description="Only the fields given are changed; `null` clears imageUrl or categoryId.")
class UpdateProductInput:
    sku: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    price: Decimal | None = strawberry.UNSET
    currency: str | None = strawberry.UNSET
    image_url: str | None = strawberry.UNSET
    category_id: strawberry.ID | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET


@strawberry.input
class CreateCategoryInput:
    name: str
    slug: str | None = strawberry.field(default=None, description="Made from the name when omitted.")
    description: str | None = None
    parent_id: strawberry.ID | None = None


@strawberry.input
class UpdateCategoryInput:
    name: str | None = strawberry.UNSET
    slug: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET


@strawberry.federation.input(inaccessible=True, description="Internal: one line of a stock reservation.")
class StockLineInput:
    product_id: strawberry.ID
    quantity: int
