"""Strawberry subgraphs for `tests/router/supergraphs/union_members.py`.

`Media` is `Book | Song` in `a` and `Book | Movie` in `b`; `book` is typed `Book` in `a`, so `a`
rejects any operation carrying `... on Song` under it.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.asgi import GraphQL

BOOK_ID = "b1"
TITLES = {"b1": "Dune", "s1": "Blue", "m1": "Alien"}


# -- a ------------------------------------------------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="Book")
class BookInA:
    id: strawberry.ID

    @strawberry.field
    def title(self) -> str:
        return TITLES[str(self.id)]

    @strawberry.field
    def a_title(self) -> str:
        return f"A: {TITLES[str(self.id)]}"

    @classmethod
    def resolve_reference(cls, **representation: Any) -> BookInA:
        return BookInA(id=strawberry.ID(str(representation["id"])))


@strawberry.federation.type(keys=["id"])
class Song:
    id: strawberry.ID

    @strawberry.field
    def title(self) -> str:
        return TITLES[str(self.id)]


MediaInA = Annotated[BookInA | Song, strawberry.union("Media")]


@strawberry.type(name="Viewer")
class ViewerInA:
    @strawberry.field
    def a_media(self) -> MediaInA | None:
        return BookInA(id=strawberry.ID(BOOK_ID))

    @strawberry.field
    def book(self) -> BookInA | None:
        return BookInA(id=strawberry.ID(BOOK_ID))


@strawberry.type(name="Query")
class QueryInA:
    @strawberry.field
    def media(self) -> MediaInA | None:
        return BookInA(id=strawberry.ID(BOOK_ID))

    @strawberry.field
    def a_media(self) -> MediaInA | None:
        return BookInA(id=strawberry.ID(BOOK_ID))

    @strawberry.field
    def book(self) -> BookInA | None:
        return BookInA(id=strawberry.ID(BOOK_ID))

    @strawberry.field
    def song(self) -> MediaInA | None:
        return Song(id=strawberry.ID("s1"))

    @strawberry.field
    def viewer(self) -> ViewerInA | None:
        return ViewerInA()


# -- b ------------------------------------------------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="Book")
class BookInB:
    id: strawberry.ID

    @strawberry.field
    def title(self) -> str:
        return TITLES[str(self.id)]

    @strawberry.field
    def b_title(self) -> str:
        return f"B: {TITLES[str(self.id)]}"

    @classmethod
    def resolve_reference(cls, **representation: Any) -> BookInB:
        return BookInB(id=strawberry.ID(str(representation["id"])))


@strawberry.federation.type(keys=["id"])
class Movie:
    id: strawberry.ID

    @strawberry.field
    def title(self) -> str:
        return TITLES[str(self.id)]


MediaInB = Annotated[BookInB | Movie, strawberry.union("Media")]


@strawberry.type(name="Viewer")
class ViewerInB:
    @strawberry.field
    def b_media(self) -> MediaInB | None:
        return Movie(id=strawberry.ID("m1"))

    @strawberry.field
    def book(self) -> MediaInB | None:
        return BookInB(id=strawberry.ID(BOOK_ID))


@strawberry.type(name="Query")
class QueryInB:
    @strawberry.field
    def media(self) -> MediaInB | None:
        return BookInB(id=strawberry.ID(BOOK_ID))

    @strawberry.field
    def book(self) -> MediaInB | None:
        return BookInB(id=strawberry.ID(BOOK_ID))

    @strawberry.field
    def viewer(self) -> ViewerInB | None:
        return ViewerInB()


def union_members_apps() -> dict[str, GraphQL[Any, Any]]:
    return {
        "a": GraphQL(strawberry.federation.Schema(query=QueryInA, types=(BookInA, Song))),
        "b": GraphQL(strawberry.federation.Schema(query=QueryInB, types=(BookInB, Movie))),
    }
