"""Strawberry subgraphs for `tests/router/supergraphs/provides_choice.py`.

`a` and `b` both serve reviews, `b` with the author's name provided; `u` owns users and posts and records
every user it resolves from a representation, so tests can tell that a `@provides` spared it.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.asgi import GraphQL

USERS = {"u1": ("Ann", "ann@example.com"), "u2": ("Bob", "bob@example.com")}
REVIEWS = [("Great", "u1"), ("Meh", "u2")]
POST_REVIEWS = {"p1": [0], "p2": [1]}

users_resolved: list[str] = []
"""The id of every user `u` resolved from a representation, in order."""


@strawberry.federation.type(keys=["id"], name="User")
class ReviewAuthor:
    id: strawberry.ID


@strawberry.type(name="Review")
class AuthorReview:
    body: str | None
    author: ReviewAuthor | None


@strawberry.type(name="Query")
class AccountQuery:
    @strawberry.field
    def me(self) -> ReviewAuthor | None:
        return ReviewAuthor(id=strawberry.ID("u1"))

    @strawberry.field
    def reviews(self) -> list[AuthorReview] | None:
        return [AuthorReview(body=body, author=ReviewAuthor(id=strawberry.ID(uid))) for body, uid in REVIEWS]


@strawberry.federation.type(keys=["id"], name="Post")
class ReviewedPost:
    id: strawberry.ID

    @strawberry.field
    def reviews(self) -> list[AuthorReview] | None:
        return [
            AuthorReview(body=REVIEWS[index][0], author=ReviewAuthor(id=strawberry.ID(REVIEWS[index][1])))
            for index in POST_REVIEWS[str(self.id)]
        ]

    @classmethod
    def resolve_reference(cls, **representation: Any) -> ReviewedPost:
        return ReviewedPost(id=strawberry.ID(str(representation["id"])))


@strawberry.federation.type(keys=["id"], name="User")
class NamedAuthor:
    id: strawberry.ID
    name: str | None = strawberry.federation.field(external=True, default=None)


@strawberry.type(name="Review")
class NamedReview:
    body: str | None
    author: NamedAuthor | None


def _named_review(index: int) -> NamedReview:
    body, uid = REVIEWS[index]
    return NamedReview(body=body, author=NamedAuthor(id=strawberry.ID(uid), name=USERS[uid][0]))


@strawberry.type(name="Query")
class ProvidingQuery:
    @strawberry.federation.field(provides=["author { name }"])
    def reviews(self) -> list[NamedReview] | None:
        return [_named_review(index) for index in range(len(REVIEWS))]


@strawberry.federation.type(keys=["id"], name="Post")
class ProvidingPost:
    id: strawberry.ID

    @strawberry.federation.field(provides=["author { name }"])
    def reviews(self) -> list[NamedReview] | None:
        return [_named_review(index) for index in POST_REVIEWS[str(self.id)]]

    @classmethod
    def resolve_reference(cls, **representation: Any) -> ProvidingPost:
        return ProvidingPost(id=strawberry.ID(str(representation["id"])))


@strawberry.federation.type(keys=["id"], name="User")
class OwnedUser:
    id: strawberry.ID

    @strawberry.field
    def name(self) -> str | None:
        return USERS[str(self.id)][0]

    @strawberry.field
    def email(self) -> str | None:
        return USERS[str(self.id)][1]

    @classmethod
    def resolve_reference(cls, **representation: Any) -> OwnedUser:
        users_resolved.append(str(representation["id"]))
        return OwnedUser(id=strawberry.ID(str(representation["id"])))


@strawberry.federation.type(keys=["id"], name="Post")
class ListedPost:
    id: strawberry.ID


@strawberry.type(name="Query")
class UserQuery:
    @strawberry.field
    def posts(self) -> list[ListedPost] | None:
        return [ListedPost(id=strawberry.ID(pid)) for pid in POST_REVIEWS]


def provides_choice_apps() -> dict[str, GraphQL[Any, Any]]:
    return {
        "a": GraphQL(strawberry.federation.Schema(query=AccountQuery, types=(ReviewedPost,))),
        "b": GraphQL(strawberry.federation.Schema(query=ProvidingQuery, types=(ProvidingPost,))),
        "u": GraphQL(strawberry.federation.Schema(query=UserQuery, types=(OwnedUser, ListedPost))),
    }
