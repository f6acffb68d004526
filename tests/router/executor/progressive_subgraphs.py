"""Strawberry subgraphs for `tests/router/supergraphs/progressive.py`: each answers `price` and `stock`
with values of its own, so the merged data tells which subgraph a request's plan asked."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.asgi import GraphQL

LEGACY_PRICE, MODERN_PRICE = 10, 11
LEGACY_STOCK, MODERN_STOCK = 1, 2


@strawberry.federation.type(keys=["id"], name="Item")
class LegacyItem:
    id: strawberry.ID
    name: str | None = "Lamp"
    price: int | None = LEGACY_PRICE
    stock: int | None = LEGACY_STOCK

    @classmethod
    def resolve_reference(cls, **representation: Any) -> LegacyItem:
        return LegacyItem(id=strawberry.ID(str(representation["id"])))


@strawberry.type(name="Query")
class LegacyQuery:
    @strawberry.field
    def item(self) -> LegacyItem | None:
        return LegacyItem(id=strawberry.ID("i1"))

    @strawberry.field
    def tags(self) -> list[str | None] | None:
        return ["new"]


@strawberry.federation.type(keys=["id"], name="Item")
class ModernItem:
    id: strawberry.ID
    price: int | None = MODERN_PRICE
    stock: int | None = MODERN_STOCK

    @classmethod
    def resolve_reference(cls, **representation: Any) -> ModernItem:
        return ModernItem(id=strawberry.ID(str(representation["id"])))


@strawberry.type(name="Query")
class ModernQuery:
    @strawberry.field
    def featured(self) -> ModernItem | None:
        return ModernItem(id=strawberry.ID("i2"))


def progressive_apps() -> dict[str, GraphQL[Any, Any]]:
    return {
        "legacy": GraphQL(strawberry.federation.Schema(query=LegacyQuery)),
        "modern": GraphQL(strawberry.federation.Schema(query=ModernQuery)),
    }
