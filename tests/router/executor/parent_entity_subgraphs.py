"""Strawberry subgraphs for `tests/router/supergraphs/parent_entity.py`: value types split over two subgraphs."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.asgi import GraphQL

CATEGORIES = {"p1": ("c1", "Tools"), "p2": ("c2", "Toys")}
VARIANTS = {"p1": [("p1-red", "red", 3), ("p1-blue", "blue", 0)], "p2": [("p2-one", "green", 9)]}


@strawberry.type(name="Category")
class CatalogCategory:
    id: strawberry.ID
    name: str | None


@strawberry.type(name="Variant")
class CatalogVariant:
    sku: str
    color: str | None


@strawberry.federation.type(keys=["id"], name="Product")
class CatalogProduct:
    id: strawberry.ID
    name: str | None

    @strawberry.field
    def category(self) -> CatalogCategory | None:
        category_id, name = CATEGORIES[str(self.id)]
        return CatalogCategory(id=strawberry.ID(category_id), name=name)

    @strawberry.field
    def variants(self) -> list[CatalogVariant] | None:
        return [CatalogVariant(sku=sku, color=color) for sku, color, _ in VARIANTS[str(self.id)]]


@strawberry.type(name="Query")
class CatalogQuery:
    @strawberry.field
    def products(self) -> list[CatalogProduct] | None:
        return [CatalogProduct(id=strawberry.ID(pid), name=f"Product {pid}") for pid in CATEGORIES]


@strawberry.type(name="Details")
class Details:
    summary: str | None


@strawberry.type(name="Category")
class DetailedCategory:
    id: strawberry.ID

    @strawberry.field
    def details(self) -> Details:
        return Details(summary=f"All about {self.id}")


@strawberry.type(name="Variant")
class StockedVariant:
    sku: str
    stock: int | None


@strawberry.federation.type(keys=["id"], name="Product")
class DetailProduct:
    id: strawberry.ID

    @strawberry.field
    def category(self) -> DetailedCategory | None:
        return DetailedCategory(id=strawberry.ID(CATEGORIES[str(self.id)][0]))

    @strawberry.field
    def variants(self) -> list[StockedVariant] | None:
        return [StockedVariant(sku=sku, stock=stock) for sku, _, stock in VARIANTS[str(self.id)]]

    @classmethod
    def resolve_reference(cls, **representation: Any) -> DetailProduct:
        return DetailProduct(id=strawberry.ID(str(representation["id"])))


@strawberry.type(name="Query")
class DetailQuery:
    @strawberry.field
    def details_version(self) -> int:
        return 1


def parent_entity_apps() -> dict[str, GraphQL[Any, Any]]:
    return {
        "a": GraphQL(strawberry.federation.Schema(query=CatalogQuery)),
        "b": GraphQL(strawberry.federation.Schema(query=DetailQuery, types=(DetailProduct,))),
    }
