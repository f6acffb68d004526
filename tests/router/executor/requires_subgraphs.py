"""Strawberry subgraphs for `tests/router/supergraphs/requires.py`: requires chains, arguments, fragments.

`a` owns items; `b` computes `tax` from `price` and `summary` from the item's media, and serves shelves
that provide `name` and `dims { width }`; `c` computes `total` from `tax`, `shipping` from the weight in
pounds and `volume` from the dimensions.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.asgi import GraphQL

ITEMS = {"i1": ("Lamp", 100, 2, (10, 20, 5)), "i2": ("Desk", 250, 30, (120, 75, 60))}


# -- a --------------------------------------------------------------------------------------------------


@strawberry.type
class Dims:
    width: int | None
    height: int | None
    depth: int | None


@strawberry.type
class Photo:
    url: str | None
    alt: str | None


@strawberry.type
class Video:
    seconds: int | None


Media = Annotated[Photo | Video, strawberry.union("Media")]


@strawberry.federation.type(keys=["id"], name="Item")
class OwnedItem:
    id: strawberry.ID

    @strawberry.field
    def name(self) -> str | None:
        return ITEMS[str(self.id)][0]

    @strawberry.field
    def price(self) -> int | None:
        return ITEMS[str(self.id)][1]

    @strawberry.field
    def weight(self, unit: str = "kg") -> int | None:
        kilos = ITEMS[str(self.id)][2]
        return kilos * 2 if unit == "lb" else kilos

    @strawberry.field
    def dims(self) -> Dims | None:
        width, height, depth = ITEMS[str(self.id)][3]
        return Dims(width=width, height=height, depth=depth)

    @strawberry.field
    def media(self) -> Media | None:
        return Photo(url=f"https://img/{self.id}", alt="a picture") if self.id == "i1" else Video(seconds=42)

    @classmethod
    def resolve_reference(cls, **representation: Any) -> OwnedItem:
        return OwnedItem(id=strawberry.ID(str(representation["id"])))


@strawberry.type(name="Query")
class OwnerQuery:
    @strawberry.field
    def item(self) -> OwnedItem | None:
        return OwnedItem(id=strawberry.ID("i1"))

    @strawberry.field
    def items(self) -> list[OwnedItem]:
        return [OwnedItem(id=strawberry.ID(item_id)) for item_id in ITEMS]


# -- b --------------------------------------------------------------------------------------------------


@strawberry.type(name="Dims")
class ShelfDims:
    width: int | None


@strawberry.federation.type(keys=["id"], name="Item")
class TaxedItem:
    id: strawberry.ID
    name: str | None = strawberry.federation.field(external=True, default=None)
    price: int | None = strawberry.federation.field(external=True, default=None)
    dims: ShelfDims | None = strawberry.federation.field(external=True, default=None)
    media: strawberry.scalars.JSON | None = strawberry.federation.field(external=True, default=None)

    @strawberry.federation.field(requires=["price"])
    def tax(self) -> int | None:
        return None if self.price is None else self.price // 10

    @strawberry.federation.field(requires=["media { ... on Photo { url } ... on Video { seconds } }"])
    def summary(self) -> str | None:
        media: dict[str, Any] = dict(self.media) if isinstance(self.media, dict) else {}
        return f"photo at {media['url']}" if "url" in media else f"video of {media.get('seconds')}s"

    @classmethod
    def resolve_reference(cls, **representation: Any) -> TaxedItem:
        return TaxedItem(
            id=strawberry.ID(str(representation["id"])),
            price=representation.get("price"),
            media=representation.get("media"),
        )


@strawberry.type(name="Photo")
class ShelfPhoto:
    url: str | None = strawberry.federation.field(external=True, default=None)
    alt: str | None = None


@strawberry.type(name="Video")
class ShelfVideo:
    seconds: int | None = strawberry.federation.field(external=True, default=None)


ShelfMedia = Annotated[ShelfPhoto | ShelfVideo, strawberry.union("Media")]


@strawberry.type
class Shelf:
    label: str | None

    @strawberry.federation.field(provides=["... on Photo { url } ... on Video { seconds }"])
    def cover(self) -> ShelfMedia | None:
        return ShelfPhoto(url="https://img/cover", alt="cover")

    @strawberry.federation.field(provides=["name dims { width }"])
    def items(self) -> list[TaxedItem | None] | None:
        return [
            TaxedItem(id=strawberry.ID(item_id), name=name, dims=ShelfDims(width=dims[0]))
            for item_id, (name, _, _, dims) in ITEMS.items()
        ]


@strawberry.type(name="Query")
class ShelfQuery:
    @strawberry.field
    def shelf(self) -> Shelf | None:
        return Shelf(label="Main")


# -- c --------------------------------------------------------------------------------------------------


@strawberry.type(name="Dims")
class VolumeDims:
    width: int | None
    height: int | None


@strawberry.federation.type(keys=["id"], name="Item")
class ShippedItem:
    id: strawberry.ID
    tax_value: strawberry.Private[int | None]
    pounds: strawberry.Private[int | None]
    size: strawberry.Private[dict[str, Any] | None]

    @strawberry.federation.field(external=True)
    def tax(self) -> int | None:
        return self.tax_value

    @strawberry.federation.field(external=True)
    def weight(self, unit: str = "kg") -> int | None:
        return self.pounds

    @strawberry.federation.field(external=True)
    def dims(self) -> VolumeDims | None:
        return VolumeDims(width=self.size.get("width"), height=self.size.get("height")) if self.size else None

    @strawberry.federation.field(requires=["tax"])
    def total(self) -> int | None:
        return None if self.tax_value is None else ITEMS[str(self.id)][1] + self.tax_value

    @strawberry.federation.field(requires=['weight(unit: "lb")'])
    def shipping(self) -> int | None:
        return None if self.pounds is None else self.pounds * 3

    @strawberry.federation.field(requires=["dims { width height }"])
    def volume(self) -> int | None:
        return self.size["width"] * self.size["height"] if self.size else None

    @classmethod
    def resolve_reference(cls, **representation: Any) -> ShippedItem:
        return ShippedItem(
            id=strawberry.ID(str(representation["id"])),
            tax_value=representation.get("tax"),
            pounds=representation.get("weight"),
            size=representation.get("dims"),
        )


@strawberry.type(name="Query")
class ShippingQuery:
    @strawberry.field
    def shipping_version(self) -> int:
        return 1


def requires_apps() -> dict[str, GraphQL[Any, Any]]:
    return {
        "a": GraphQL(strawberry.federation.Schema(query=OwnerQuery, types=(Photo, Video))),
        "b": GraphQL(strawberry.federation.Schema(query=ShelfQuery, types=(TaxedItem,))),
        "c": GraphQL(strawberry.federation.Schema(query=ShippingQuery, types=(ShippedItem,))),
    }
