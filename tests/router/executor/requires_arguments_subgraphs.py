"""Strawberry subgraphs for `REQUIRES_ARGUMENTS`: one price, required in two currencies.

`a` prices items in USD or EUR (and measures them in cm or inches); `b` formats whatever `price` its representation carries as `priceUsd`
or `priceEur` (so a representation with the other currency's value shows in the result), and answers
`widthCm`/`widthIn` with whatever width it is sent; `c` does the same as `b` for `label`.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.asgi import GraphQL

PRICES_USD = {"i1": 100, "i2": 250}
EUR_PER_USD = 0.5
WIDTHS_CM = {"i1": 40, "i2": 120}
CM_PER_INCH = 2


@strawberry.type
class Dims:
    item_id: strawberry.Private[str]

    @strawberry.field
    def width(self, unit: str = "cm") -> int | None:
        width = WIDTHS_CM[self.item_id]
        return width // CM_PER_INCH if unit == "in" else width


@strawberry.federation.type(keys=["id"], name="Item")
class PricedItem:
    id: strawberry.ID

    @strawberry.field
    def price(self, currency: str = "USD") -> int | None:
        usd = PRICES_USD[str(self.id)]
        return int(usd * EUR_PER_USD) if currency == "EUR" else usd

    @strawberry.field
    def dims(self) -> Dims | None:
        return Dims(item_id=str(self.id))

    @classmethod
    def resolve_reference(cls, **representation: Any) -> PricedItem:
        return PricedItem(id=strawberry.ID(str(representation["id"])))


@strawberry.type(name="Query")
class PriceQuery:
    @strawberry.field
    def items(self) -> list[PricedItem] | None:
        return [PricedItem(id=strawberry.ID(item_id)) for item_id in PRICES_USD]


@strawberry.federation.type(keys=["id"], name="Item")
class FormattedItem:
    id: strawberry.ID
    price: strawberry.Private[int | None]
    dims: strawberry.Private[dict[str, Any] | None]

    @strawberry.field
    def width_cm(self) -> int | None:
        return None if self.dims is None else self.dims.get("width")

    @strawberry.field
    def width_in(self) -> int | None:
        return None if self.dims is None else self.dims.get("width")

    @strawberry.field
    def price_usd(self) -> str | None:
        return f"{self.price} USD"

    @strawberry.field
    def price_eur(self) -> str | None:
        return f"{self.price} EUR"

    @strawberry.field
    def note(self) -> str | None:
        return f"note on {self.id}"

    @classmethod
    def resolve_reference(cls, **representation: Any) -> FormattedItem:
        return FormattedItem(
            id=strawberry.ID(str(representation["id"])),
            price=representation.get("price"),
            dims=representation.get("dims"),
        )


@strawberry.federation.type(keys=["id"], name="Item")
class LabelledItem:
    id: strawberry.ID
    price: strawberry.Private[int | None]

    @strawberry.field
    def label(self) -> str | None:
        return f"from {self.price} EUR"

    @classmethod
    def resolve_reference(cls, **representation: Any) -> LabelledItem:
        return LabelledItem(id=strawberry.ID(str(representation["id"])), price=representation.get("price"))


@strawberry.type(name="Query")
class VersionQuery:
    @strawberry.field
    def version(self) -> int:
        return 1


def requires_arguments_apps() -> dict[str, GraphQL[Any, Any]]:
    return {
        "a": GraphQL(strawberry.federation.Schema(query=PriceQuery)),
        "b": GraphQL(strawberry.federation.Schema(query=VersionQuery, types=(FormattedItem,))),
        "c": GraphQL(strawberry.federation.Schema(query=VersionQuery, types=(LabelledItem,))),
    }
