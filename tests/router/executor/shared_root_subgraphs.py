"""Three Strawberry subgraphs sharing `Query.product(s)`, each knowing a different field of Product."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.asgi import GraphQL

IDS = ("1", "2")
NAMES = {"1": "Pen", "2": "Ink"}
CATEGORIES = {"1": "Office", "2": "Supplies"}
PRICES = {"1": 3, "2": 9}


@strawberry.type(name="Product")
class NamedProduct:
    id: strawberry.ID
    name: str | None


@strawberry.type(name="Query")
class NamesQuery:
    @strawberry.field
    def product(self) -> NamedProduct | None:
        return NamedProduct(id=strawberry.ID("1"), name=NAMES["1"])

    @strawberry.field
    def products(self) -> list[NamedProduct] | None:
        return [NamedProduct(id=strawberry.ID(pid), name=NAMES[pid]) for pid in IDS]


@strawberry.type(name="Product")
class CategorizedProduct:
    id: strawberry.ID
    category: str | None


@strawberry.type(name="Query")
class CategoriesQuery:
    @strawberry.field
    def product(self) -> CategorizedProduct | None:
        return CategorizedProduct(id=strawberry.ID("1"), category=CATEGORIES["1"])

    @strawberry.field
    def products(self) -> list[CategorizedProduct] | None:
        return [CategorizedProduct(id=strawberry.ID(pid), category=CATEGORIES[pid]) for pid in IDS]


@strawberry.type(name="Product")
class PricedProduct:
    id: strawberry.ID
    price: int | None


@strawberry.type(name="Query")
class PricesQuery:
    @strawberry.field
    def product(self) -> PricedProduct | None:
        return PricedProduct(id=strawberry.ID("1"), price=PRICES["1"])

    @strawberry.field
    def products(self) -> list[PricedProduct] | None:
        return [PricedProduct(id=strawberry.ID(pid), price=PRICES[pid]) for pid in IDS]


def shared_root_apps() -> dict[str, GraphQL[Any, Any]]:
    return {
        "a": GraphQL(strawberry.federation.Schema(query=NamesQuery)),
        "b": GraphQL(strawberry.federation.Schema(query=CategoriesQuery)),
        "c": GraphQL(strawberry.federation.Schema(query=PricesQuery)),
    }
