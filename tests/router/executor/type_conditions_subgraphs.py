"""Strawberry subgraphs for `tests/router/supergraphs/type_conditions.py`: books and movies with authors."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.asgi import GraphQL

PEOPLE = {"u1": ("Ursula", "Wrote Earthsea."), "u2": ("Hayao", "Made Totoro.")}


@strawberry.federation.type(keys=["id"], name="Person")
class CatalogPerson:
    id: strawberry.ID

    @strawberry.field
    def name(self) -> str | None:
        return PEOPLE[str(self.id)][0]


@strawberry.type(name="Book")
class Book:
    title: str | None
    author: CatalogPerson | None


@strawberry.type(name="Movie")
class Movie:
    title: str | None
    author: CatalogPerson | None


Media = Annotated[Book | Movie, strawberry.union("Media")]


@strawberry.type(name="Query")
class CatalogQuery:
    @strawberry.field
    def media(self) -> list[Media] | None:
        return [
            Book(title="A Wizard of Earthsea", author=CatalogPerson(id=strawberry.ID("u1"))),
            Movie(title="My Neighbor Totoro", author=CatalogPerson(id=strawberry.ID("u2"))),
        ]


@strawberry.federation.type(keys=["id"], name="Person")
class PeoplePerson:
    id: strawberry.ID

    @strawberry.field
    def bio(self) -> str | None:
        return PEOPLE[str(self.id)][1]

    @classmethod
    def resolve_reference(cls, **representation: Any) -> PeoplePerson:
        return PeoplePerson(id=strawberry.ID(str(representation["id"])))


@strawberry.type(name="Query")
class PeopleQuery:
    @strawberry.field
    def people_version(self) -> int:
        return 1


def type_conditions_apps() -> dict[str, GraphQL[Any, Any]]:
    return {
        "catalog": GraphQL(strawberry.federation.Schema(query=CatalogQuery)),
        "people": GraphQL(strawberry.federation.Schema(query=PeopleQuery, types=(PeoplePerson,))),
    }
