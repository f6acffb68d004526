"""Strawberry subgraphs for the abstract-types supergraph (`tests/router/supergraphs/abstract.py`).

`media` owns the Media interface and the union; `books` adds fields to Book and Author; `ratings`
adds `stars` to every Media through an `@interfaceObject`.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.asgi import GraphQL

TITLES = {"b1": "Dune", "b2": "Emma", "m1": "Alien"}
PAGES = {"b1": 412, "b2": 320}
AUTHORS = {"b1": "Frank Herbert", "b2": "Jane Austen"}
BIOS = {"Frank Herbert": "Wrote about sand.", "Jane Austen": "Wrote about manners."}
STARS = {"b1": 5, "b2": 4, "m1": 3}


# -- media --------------------------------------------------------------------------------------------


@strawberry.interface
class Node:
    id: strawberry.ID


@strawberry.federation.interface(keys=["id"])
class Media:
    id: strawberry.ID
    title: str | None

    @classmethod
    def resolve_reference(cls, **representation: Any) -> Media:
        return media_item(str(representation["id"]))


@strawberry.federation.type(keys=["id"])
class Book(Media, Node):
    @classmethod
    def resolve_reference(cls, **representation: Any) -> Book:
        book_id = str(representation["id"])
        return Book(id=strawberry.ID(book_id), title=TITLES.get(book_id))


@strawberry.federation.type(keys=["id"])
class Movie(Media, Node):
    minutes: int | None = 117

    @classmethod
    def resolve_reference(cls, **representation: Any) -> Movie:
        movie_id = str(representation["id"])
        return Movie(id=strawberry.ID(movie_id), title=TITLES.get(movie_id))


@strawberry.federation.type(keys=["name"], name="Author")
class MediaAuthor:
    name: str

    @strawberry.field
    def bio(self) -> str | None:
        return BIOS.get(self.name)

    @classmethod
    def resolve_reference(cls, **representation: Any) -> MediaAuthor:
        return MediaAuthor(name=str(representation["name"]))


Result = Annotated[Book | Movie | MediaAuthor, strawberry.union("Result")]


def media_item(item_id: str) -> Book | Movie:
    if item_id.startswith("m"):
        return Movie(id=strawberry.ID(item_id), title=TITLES[item_id])
    return Book(id=strawberry.ID(item_id), title=TITLES[item_id])


@strawberry.type(name="Query")
class MediaQuery:
    @strawberry.field
    def library(self) -> list[Media | None] | None:
        return [media_item(item_id) for item_id in ("b1", "m1", "b2")]

    @strawberry.field
    def search(self, text: str) -> list[Result | None] | None:
        return [media_item("b1"), MediaAuthor(name="Jane Austen"), media_item("m1")]

    @strawberry.field
    def node(self, id: strawberry.ID) -> Node | None:
        return media_item(str(id)) if str(id) in TITLES else None


# -- books --------------------------------------------------------------------------------------------


@strawberry.federation.type(keys=["name"], name="Author")
class BooksAuthor:
    name: str

    @strawberry.field
    def books(self) -> list[BooksBook] | None:
        return [
            BooksBook(id=strawberry.ID(book_id)) for book_id, author in AUTHORS.items() if author == self.name
        ]

    @classmethod
    def resolve_reference(cls, **representation: Any) -> BooksAuthor:
        return BooksAuthor(name=str(representation["name"]))


@strawberry.federation.type(keys=["id"], name="Book")
class BooksBook:
    id: strawberry.ID

    @strawberry.field
    def pages(self) -> int | None:
        return PAGES.get(str(self.id))

    @strawberry.field
    def author(self) -> BooksAuthor | None:
        name = AUTHORS.get(str(self.id))
        return BooksAuthor(name=name) if name else None

    @classmethod
    def resolve_reference(cls, **representation: Any) -> BooksBook:
        return BooksBook(id=strawberry.ID(str(representation["id"])))


@strawberry.type(name="Query")
class BooksQuery:
    @strawberry.field
    def bestsellers(self) -> list[BooksBook | None] | None:
        return [BooksBook(id=strawberry.ID("b2")), BooksBook(id=strawberry.ID("b1"))]


# -- ratings ------------------------------------------------------------------------------------------


@strawberry.federation.interface_object(keys=["id"], name="Media")
class RatedMedia:
    id: strawberry.ID
    title: str | None = strawberry.federation.field(external=True, default=None)

    @strawberry.field
    def stars(self) -> int | None:
        return STARS.get(str(self.id))

    @strawberry.federation.field(requires=["title"])
    def score(self) -> str | None:
        return None if self.title is None else f"{self.title}: {STARS.get(str(self.id))}/5"

    @classmethod
    def resolve_reference(cls, **representation: Any) -> RatedMedia:
        return RatedMedia(id=strawberry.ID(str(representation["id"])), title=representation.get("title"))


@strawberry.type(name="Query")
class RatingsQuery:
    @strawberry.field
    def top_rated(self) -> list[RatedMedia] | None:
        return [RatedMedia(id=strawberry.ID(item_id)) for item_id in ("b1", "m1")]


def media_apps() -> dict[str, GraphQL[Any, Any]]:
    return {
        "media": GraphQL(strawberry.federation.Schema(query=MediaQuery, types=(Book, Movie, MediaAuthor))),
        "books": GraphQL(strawberry.federation.Schema(query=BooksQuery)),
        "ratings": GraphQL(strawberry.federation.Schema(query=RatingsQuery, types=(RatedMedia,))),
    }
