"""Strawberry subgraphs for `tests/router/supergraphs/faulty.py`, whose resolvers fail on purpose.

Their errors carry what Strawberry gives: locations in the router's subgraph operation and paths in
its terms (`_entities`, index), which the router must turn into the client's.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.asgi import GraphQL

SHELVES = {"Classics": ("b1", "b2"), "New": ("b3", "b4")}
TITLES = {"b1": "Emma", "b2": "Dune", "b3": "Piranesi", "b4": "Klara"}
REVIEWS = {"b1": ("Lovely",), "b2": ("Sandy", "Long"), "b3": ("Odd",), "b4": ("Kind", "Sad")}


# -- shelves --------------------------------------------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="Book")
class ShelvedBook:
    id: strawberry.ID

    @strawberry.field
    def title(self) -> str | None:
        return TITLES[str(self.id)]

    @strawberry.field
    def blurb(self) -> str | None:
        if str(self.id) == "b3":
            raise ValueError("the blurb of b3 is lost")
        return f"about {TITLES[str(self.id)]}"

    @classmethod
    def resolve_reference(cls, **representation: Any) -> ShelvedBook:
        return ShelvedBook(id=strawberry.ID(str(representation["id"])))


@strawberry.type
class Magazine:
    @strawberry.field
    def title(self) -> str | None:
        raise ValueError("magazine titles are out of print")


Item = Annotated[ShelvedBook | Magazine, strawberry.union("Item")]


@strawberry.type
class Shelf:
    name: str | None

    @strawberry.field
    def books(self) -> list[ShelvedBook]:
        return [ShelvedBook(id=strawberry.ID(book_id)) for book_id in SHELVES[self.name or ""]]


@strawberry.type(name="Query")
class ShelvesQuery:
    @strawberry.field
    def shelves(self) -> list[Shelf]:
        return [Shelf(name=name) for name in SHELVES]

    @strawberry.field
    def book(self, id: strawberry.ID) -> ShelvedBook | None:
        if str(id) not in TITLES:
            raise ValueError(f"no book {id}")
        return ShelvedBook(id=id)

    @strawberry.field
    def items(self) -> list[Item | None] | None:
        return [ShelvedBook(id=strawberry.ID("b1")), Magazine()]


# -- reviews --------------------------------------------------------------------------------------------


@strawberry.type
class Review:
    book_id: strawberry.Private[str]
    index: strawberry.Private[int]

    @strawberry.field
    def body(self) -> str | None:
        if (self.book_id, self.index) == ("b4", 1):
            raise ValueError("review 2 of b4 was withdrawn")
        return REVIEWS[self.book_id][self.index]

    @strawberry.field
    def stars(self) -> int | None:
        return 5 - self.index


@strawberry.federation.type(keys=["id"], name="Book")
class ReviewedBook:
    id: strawberry.ID
    blurb: str | None = strawberry.federation.field(external=True, default=None)

    @strawberry.field
    def reviews(self) -> list[Review] | None:
        return [Review(book_id=str(self.id), index=index) for index in range(len(REVIEWS[str(self.id)]))]

    @strawberry.federation.field(requires=["blurb"])
    def teaser(self) -> str | None:
        return (self.blurb or "no blurb")[:8]

    @classmethod
    def resolve_reference(cls, **representation: Any) -> ReviewedBook:
        return ReviewedBook(id=strawberry.ID(str(representation["id"])), blurb=representation.get("blurb"))


@strawberry.type(name="Query")
class ReviewsQuery:
    @strawberry.field
    def reviews_ready(self) -> bool:
        return True


def faulty_apps() -> dict[str, GraphQL[Any, Any]]:
    return {
        "shelves": GraphQL(strawberry.federation.Schema(query=ShelvesQuery, types=(Magazine,))),
        "reviews": GraphQL(strawberry.federation.Schema(query=ReviewsQuery, types=(ReviewedBook,))),
    }
