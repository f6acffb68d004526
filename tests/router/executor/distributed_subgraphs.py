"""Strawberry subgraphs for `tests/router/supergraphs/distributed.py`: each knows different members.

`a` knows Book and Song, `b` knows Book and Movie (and people), `c` knows Song and Movie; the Node
interface and the Media union exist in each with only the members that subgraph knows.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.asgi import GraphQL

TITLES = {"b1": "Dune", "s1": "Hey Jude", "m1": "Alien"}


def _id(representation: dict[str, Any]) -> strawberry.ID:
    return strawberry.ID(str(representation["id"]))


# -- a: Book and Song -----------------------------------------------------------------------------------


@strawberry.interface(name="Node")
class NodeA:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"], name="Book")
class BookA(NodeA):
    @strawberry.field
    def title(self) -> str | None:
        return TITLES.get(str(self.id))

    @strawberry.field
    def isbn(self) -> str | None:
        return f"isbn-{self.id}"

    @classmethod
    def resolve_reference(cls, **representation: Any) -> BookA:
        return BookA(id=_id(representation))


@strawberry.federation.type(keys=["id"], name="Song")
class SongA(NodeA):
    @strawberry.field
    def title(self) -> str | None:
        return TITLES.get(str(self.id))

    @classmethod
    def resolve_reference(cls, **representation: Any) -> SongA:
        return SongA(id=_id(representation))


MediaA = Annotated[BookA | SongA, strawberry.union("Media")]


@strawberry.type(name="Query")
class QueryA:
    @strawberry.field
    def node(self, id: strawberry.ID) -> NodeA | None:
        return SongA(id=strawberry.ID("s1"))

    @strawberry.field
    def media_a(self) -> list[MediaA | None] | None:
        return [BookA(id=strawberry.ID("b1")), SongA(id=strawberry.ID("s1"))]


# -- b: Book, Movie and people --------------------------------------------------------------------------


@strawberry.interface(name="Node")
class NodeB:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"], name="Book")
class BookB(NodeB):
    @strawberry.field
    def title(self) -> str | None:
        return TITLES.get(str(self.id))

    @strawberry.field
    def price(self) -> int | None:
        return 12

    @classmethod
    def resolve_reference(cls, **representation: Any) -> BookB:
        return BookB(id=_id(representation))


@strawberry.federation.type(keys=["id"], name="Movie")
class MovieB(NodeB):
    @strawberry.field
    def title(self) -> str | None:
        return TITLES.get(str(self.id))

    @classmethod
    def resolve_reference(cls, **representation: Any) -> MovieB:
        return MovieB(id=_id(representation))


MediaB = Annotated[BookB | MovieB, strawberry.union("Media")]


@strawberry.interface
class Person:
    name: str | None

    @strawberry.field
    def favorite(self) -> MediaB | None:
        return MovieB(id=strawberry.ID("m1"))


@strawberry.type
class Author(Person):
    @strawberry.field
    def books(self) -> list[BookB | None] | None:
        return [BookB(id=strawberry.ID("b1"))]


@strawberry.type
class Fan(Person):
    pass


@strawberry.type(name="Query")
class QueryB:
    @strawberry.field
    def node(self, id: strawberry.ID) -> NodeB | None:
        return BookB(id=strawberry.ID("b1"))

    @strawberry.field
    def media_b(self) -> list[MediaB | None] | None:
        return [BookB(id=strawberry.ID("b1")), MovieB(id=strawberry.ID("m1"))]

    @strawberry.field
    def people(self) -> list[Person | None] | None:
        return [Author(name="Frank"), Fan(name="Sam")]


# -- c: Song and Movie ----------------------------------------------------------------------------------


@strawberry.interface(name="Node")
class NodeC:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"], name="Song")
class SongC(NodeC):
    @strawberry.field
    def plays(self) -> int | None:
        return 1000

    @classmethod
    def resolve_reference(cls, **representation: Any) -> SongC:
        return SongC(id=_id(representation))


@strawberry.federation.type(keys=["id"], name="Movie")
class MovieC(NodeC):
    @strawberry.field
    def rating(self) -> int | None:
        return 8

    @classmethod
    def resolve_reference(cls, **representation: Any) -> MovieC:
        return MovieC(id=_id(representation))


@strawberry.type(name="Query")
class QueryC:
    @strawberry.field
    def nodes(self) -> list[NodeC | None] | None:
        return [SongC(id=strawberry.ID("s1")), MovieC(id=strawberry.ID("m1"))]


def distributed_apps() -> dict[str, GraphQL[Any, Any]]:
    return {
        "a": GraphQL(strawberry.federation.Schema(query=QueryA, types=(BookA, SongA))),
        "b": GraphQL(strawberry.federation.Schema(query=QueryB, types=(BookB, MovieB, Author, Fan))),
        "c": GraphQL(strawberry.federation.Schema(query=QueryC, types=(SongC, MovieC))),
    }
