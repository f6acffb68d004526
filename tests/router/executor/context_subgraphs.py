"""Strawberry subgraphs for `tests/router/supergraphs/context.py`: stores pass their settings to products.

Strawberry has no `@fromContext`; the subgraphs declare the contextual arguments as ordinary arguments,
which is what the router sends them.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.asgi import GraphQL

STORES = {"s1": ("Lyon", "fr-FR", "EUR", ["p1", "p2"]), "s2": ("Leeds", "en-GB", "GBP", ["p1"])}
PRODUCTS = {"p1": ("Kettle", 30), "p2": ("Teapot", 12)}
LABELS = {("p1", "fr-FR"): "Bouilloire", ("p2", "fr-FR"): "Théière", ("p1", "en-GB"): "Kettle"}


@strawberry.federation.type(keys=["id"], name="Product")
class ShopProduct:
    id: strawberry.ID

    @strawberry.field
    def name(self) -> str | None:
        return PRODUCTS[str(self.id)][0]

    @strawberry.field
    def label(self, locale: str) -> str | None:
        return LABELS.get((str(self.id), locale))

    @classmethod
    def resolve_reference(cls, **representation: Any) -> ShopProduct:
        return ShopProduct(id=strawberry.ID(str(representation["id"])))


@strawberry.federation.type(keys=["id"], name="Store")
class ShopStore:
    id: strawberry.ID

    @strawberry.field
    def name(self) -> str | None:
        return STORES[str(self.id)][0]

    @strawberry.field
    def locale(self) -> str:
        return STORES[str(self.id)][1]

    @strawberry.field
    def products(self) -> list[ShopProduct] | None:
        return [ShopProduct(id=strawberry.ID(pid)) for pid in STORES[str(self.id)][3]]


@strawberry.type(name="Query")
class ShopQuery:
    @strawberry.field
    def stores(self) -> list[ShopStore] | None:
        return [ShopStore(id=strawberry.ID(sid)) for sid in STORES]

    @strawberry.field
    def product(self, id: strawberry.ID) -> ShopProduct | None:
        return ShopProduct(id=id) if str(id) in PRODUCTS else None


@strawberry.federation.type(keys=["id"], name="Product")
class PricedProduct:
    id: strawberry.ID

    @strawberry.field
    def price(self, currency: str | None = None) -> str | None:
        if currency is None:
            return None
        return f"{PRODUCTS[str(self.id)][1]} {currency}"

    @classmethod
    def resolve_reference(cls, **representation: Any) -> PricedProduct:
        return PricedProduct(id=strawberry.ID(str(representation["id"])))


@strawberry.type(name="Query")
class PricingQuery:
    @strawberry.field
    def pricing_version(self) -> int:
        return 1


@strawberry.federation.type(keys=["id"], name="Store")
class StoreSettings:
    id: strawberry.ID

    @strawberry.field
    def currency(self) -> str | None:
        return STORES[str(self.id)][2]

    @classmethod
    def resolve_reference(cls, **representation: Any) -> StoreSettings:
        return StoreSettings(id=strawberry.ID(str(representation["id"])))


@strawberry.type(name="Query")
class SettingsQuery:
    @strawberry.field
    def settings_version(self) -> int:
        return 1


def context_apps() -> dict[str, GraphQL[Any, Any]]:
    return {
        "shop": GraphQL(strawberry.federation.Schema(query=ShopQuery)),
        "pricing": GraphQL(strawberry.federation.Schema(query=PricingQuery, types=(PricedProduct,))),
        "settings": GraphQL(strawberry.federation.Schema(query=SettingsQuery, types=(StoreSettings,))),
    }


# Subgraphs for `ROOT_CONTEXT`: the price of a product depends on the signed-in user's locale.

PRICES = {"en-GB": 10, "fr-FR": 12}


@strawberry.federation.type(keys=["id"], name="User")
class User:
    id: strawberry.ID
    locale: str


@strawberry.federation.type(keys=["id"], name="Product")
class LocalProduct:
    id: strawberry.ID

    @strawberry.field
    def price(self, locale: str | None = None) -> int:
        return PRICES.get(locale or "", 0)

    @classmethod
    def resolve_reference(cls, **representation: Any) -> LocalProduct:
        return LocalProduct(id=strawberry.ID(str(representation["id"])))


@strawberry.type(name="Query")
class LocalQuery:
    @strawberry.field
    def me(self) -> User:
        return User(id=strawberry.ID("u1"), locale="fr-FR")

    @strawberry.field
    def product(self) -> LocalProduct | None:
        return LocalProduct(id=strawberry.ID("p1"))


@strawberry.federation.type(keys=["id"], name="Product")
class OtherProduct:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, **representation: Any) -> OtherProduct:
        return OtherProduct(id=strawberry.ID(str(representation["id"])))


@strawberry.type(name="Query")
class OtherQuery:
    @strawberry.field
    def random_id(self) -> strawberry.ID:
        return strawberry.ID("r1")


def root_context_apps() -> dict[str, GraphQL[Any, Any]]:
    return {
        "subgraph1": GraphQL(strawberry.federation.Schema(query=LocalQuery)),
        "subgraph2": GraphQL(strawberry.federation.Schema(query=OtherQuery, types=(OtherProduct,))),
    }
