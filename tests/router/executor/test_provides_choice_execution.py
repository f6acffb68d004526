"""Routes chosen for what a `@provides` saves, run against real subgraphs: same data, fewer calls."""

from __future__ import annotations

from router.gateway import Gateway, GraphQLRequest
from tests.router.executor.provides_choice_subgraphs import users_resolved


async def test_provided_author_names_come_without_calling_the_users_subgraph(
    provides_choice_gateway: Gateway,
) -> None:
    before = len(users_resolved)
    query = "{ me { id } reviews { body author { name } } }"
    result = await provides_choice_gateway.execute(GraphQLRequest(query), {})
    assert result == {
        "data": {
            "me": {"id": "u1"},
            "reviews": [
                {"body": "Great", "author": {"name": "Ann"}},
                {"body": "Meh", "author": {"name": "Bob"}},
            ],
        }
    }
    assert users_resolved[before:] == []


async def test_entity_jump_to_the_providing_subgraph_spares_the_users_subgraph(
    provides_choice_gateway: Gateway,
) -> None:
    before = len(users_resolved)
    query = "{ posts { id reviews { author { name } } } }"
    result = await provides_choice_gateway.execute(GraphQLRequest(query), {})
    assert result == {
        "data": {
            "posts": [
                {"id": "p1", "reviews": [{"author": {"name": "Ann"}}]},
                {"id": "p2", "reviews": [{"author": {"name": "Bob"}}]},
            ]
        }
    }
    assert users_resolved[before:] == []


async def test_fields_only_the_users_subgraph_has_are_still_fetched_there(
    provides_choice_gateway: Gateway,
) -> None:
    before = len(users_resolved)
    query = "{ reviews { author { name email } } }"
    result = await provides_choice_gateway.execute(GraphQLRequest(query), {})
    assert result == {
        "data": {
            "reviews": [
                {"author": {"name": "Ann", "email": "ann@example.com"}},
                {"author": {"name": "Bob", "email": "bob@example.com"}},
            ]
        }
    }
    assert users_resolved[before:] == ["u1", "u2"]
