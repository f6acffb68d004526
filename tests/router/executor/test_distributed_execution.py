"""Interfaces and unions whose members each subgraph knows differently, executed over real HTTP."""

from __future__ import annotations

from router.gateway import Gateway, GraphQLRequest


async def test_members_completed_by_the_subgraphs_owning_them(distributed_gateway: Gateway) -> None:
    query = "{ nodes { __typename id ... on Song { title plays } ... on Movie { title rating } } }"
    result = await distributed_gateway.execute(GraphQLRequest(query), {})
    assert result == {
        "data": {
            "nodes": [
                {"__typename": "Song", "id": "s1", "title": "Hey Jude", "plays": 1000},
                {"__typename": "Movie", "id": "m1", "title": "Alien", "rating": 8},
            ]
        }
    }


async def test_union_members_unknown_to_the_subgraph_are_not_asked(distributed_gateway: Gateway) -> None:
    query = "{ mediaA { ... on Book { isbn } ... on Song { plays } ... on Movie { rating } } }"
    result = await distributed_gateway.execute(GraphQLRequest(query), {})
    assert result == {"data": {"mediaA": [{"isbn": "isbn-b1"}, {"plays": 1000}]}}


async def test_union_inside_interface_implementations(distributed_gateway: Gateway) -> None:
    query = "{ people { name ... on Author { books { isbn } } favorite { ... on Movie { rating } } } }"
    result = await distributed_gateway.execute(GraphQLRequest(query), {})
    assert result == {
        "data": {
            "people": [
                {"name": "Frank", "books": [{"isbn": "isbn-b1"}], "favorite": {"rating": 8}},
                {"name": "Sam", "favorite": {"rating": 8}},
            ]
        }
    }
