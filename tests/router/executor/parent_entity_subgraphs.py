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


# Subgraphs for `PARENT_ENTITY_DEEP`: `top` lists products, `a` and `b` each know part of the value types
# below them (`b` knows `Seller` only as a value type).

SELLERS = {"p1": ("s1", "ann", "Lyon", "45.76,4.84"), "p2": ("s2", "bob", "Nice", "43.70,7.26")}


@strawberry.federation.type(keys=["id"], name="Product")
class ListedProduct:
    id: strawberry.ID
    name: str | None
    category: strawberry.Private[dict[str, Any] | None] = None

    @strawberry.field
    def shipping(self) -> str | None:
        """From the required category: its name from `a`, its details from `b`."""
        if not self.category:
            return None
        return f"{self.category['name']} ({self.category['details']['summary']})"

    @classmethod
    def resolve_reference(cls, **representation: Any) -> ListedProduct:
        return ListedProduct(
            id=strawberry.ID(str(representation["id"])), name=None, category=representation.get("category")
        )


@strawberry.type(name="Query")
class ListingQuery:
    @strawberry.field
    def products(self) -> list[ListedProduct] | None:
        return [ListedProduct(id=strawberry.ID(pid), name=f"Product {pid}") for pid in SELLERS]


@strawberry.type(name="Address")
class CityAddress:
    city: str | None


@strawberry.federation.type(keys=["id"], name="Seller")
class NamedSeller:
    id: strawberry.ID
    nick: str | None

    @strawberry.field
    def address(self) -> CityAddress | None:
        return CityAddress(city=next(city for sid, _, city, _ in SELLERS.values() if sid == str(self.id)))


@strawberry.type(name="Category")
class NamedCategory:
    name: str | None


@strawberry.federation.type(keys=["id"], name="Product")
class SoldProduct:
    id: strawberry.ID

    @strawberry.field
    def category(self) -> NamedCategory | None:
        return NamedCategory(name=CATEGORIES[str(self.id)][1])

    @strawberry.field
    def seller(self) -> NamedSeller | None:
        seller_id, nick, _, _ = SELLERS[str(self.id)]
        return NamedSeller(id=strawberry.ID(seller_id), nick=nick)

    @classmethod
    def resolve_reference(cls, **representation: Any) -> SoldProduct:
        return SoldProduct(id=strawberry.ID(str(representation["id"])))


@strawberry.type(name="Address")
class GeoAddress:
    geo: str | None


@strawberry.type(name="Seller")
class LocatedSeller:
    product_id: strawberry.Private[str]

    @strawberry.field
    def address(self) -> GeoAddress | None:
        return GeoAddress(geo=SELLERS[self.product_id][3])


@strawberry.type(name="Details")
class CategoryDetails:
    summary: str | None


@strawberry.type(name="Category")
class DescribedCategory:
    product_id: strawberry.Private[str]
    name: strawberry.Private[str | None] = None

    @strawberry.field
    def details(self) -> CategoryDetails | None:
        return CategoryDetails(summary=f"All about {CATEGORIES[self.product_id][0]}")

    @strawberry.field
    def blurb(self) -> str | None:
        """Needs the name `a` gives, which the router sends in the product's representation."""
        return None if self.name is None else f"Best of {self.name}"


@strawberry.federation.type(keys=["id"], name="Product")
class LocatedProduct:
    id: strawberry.ID
    category_name: strawberry.Private[str | None] = None

    @strawberry.field
    def category(self) -> DescribedCategory | None:
        return DescribedCategory(product_id=str(self.id), name=self.category_name)

    @strawberry.field
    def seller(self) -> LocatedSeller | None:
        return LocatedSeller(product_id=str(self.id))

    @classmethod
    def resolve_reference(cls, **representation: Any) -> LocatedProduct:
        category = representation.get("category") or {}
        return LocatedProduct(id=strawberry.ID(str(representation["id"])), category_name=category.get("name"))


def deep_parent_entity_apps() -> dict[str, GraphQL[Any, Any]]:
    return {
        "top": GraphQL(strawberry.federation.Schema(query=ListingQuery, types=(ListedProduct,))),
        "a": GraphQL(strawberry.federation.Schema(query=DetailQuery, types=(SoldProduct,))),
        "b": GraphQL(strawberry.federation.Schema(query=DetailQuery, types=(LocatedProduct,))),
    }
