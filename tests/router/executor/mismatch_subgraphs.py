"""Strawberry subgraphs for `tests/router/supergraphs/mismatch.py`: `id` is `ID!` on User, `ID` on Admin."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.asgi import GraphQL


@strawberry.interface
class Account:
    id: strawberry.ID | None


@strawberry.federation.type(keys=["id"])
class User(Account):
    id: strawberry.ID
    name: str | None

    @strawberry.field
    def friends(self) -> list[User] | None:
        return [User(id=strawberry.ID("u2"), name="Bo")]


@strawberry.federation.type(keys=["id"])
class Admin(Account):
    @strawberry.field
    def friends(self) -> list[User] | None:
        return [User(id=strawberry.ID("u1"), name="Ann")]


@strawberry.type(name="Query")
class AccountsQuery:
    @strawberry.field
    def accounts(self) -> list[Account | None] | None:
        return [User(id=strawberry.ID("u1"), name="Ann"), Admin(id=strawberry.ID("a1"))]


@strawberry.federation.type(keys=["id"], name="Admin")
class LevelledAdmin:
    id: strawberry.ID

    @strawberry.field
    def level(self) -> int:
        return 7

    @classmethod
    def resolve_reference(cls, **representation: Any) -> LevelledAdmin:
        return LevelledAdmin(id=strawberry.ID(str(representation["id"])))


@strawberry.type(name="Query")
class LevelsQuery:
    @strawberry.field
    def levels_version(self) -> int:
        return 1


def mismatch_apps() -> dict[str, GraphQL[Any, Any]]:
    return {
        "a": GraphQL(strawberry.federation.Schema(query=AccountsQuery, types=(User, Admin))),
        "b": GraphQL(strawberry.federation.Schema(query=LevelsQuery, types=(LevelledAdmin,))),
    }
