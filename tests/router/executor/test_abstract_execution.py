"""Executing plans over interfaces, unions and an @interfaceObject served by real Strawberry subgraphs."""

from __future__ import annotations

from typing import Any

from router.gateway import Gateway, GraphQLRequest


async def run(gateway: Gateway, query: str) -> dict[str, Any]:
    return await gateway.execute(GraphQLRequest(query), {})


async def test_interface_list_with_fragments_per_type(media_gateway: Gateway) -> None:
    result = await run(
        media_gateway, "{ library { __typename title ... on Book { pages } ... on Movie { minutes } } }"
    )
    assert result == {
        "data": {
            "library": [
                {"__typename": "Book", "title": "Dune", "pages": 412},
                {"__typename": "Movie", "title": "Alien", "minutes": 117},
                {"__typename": "Book", "title": "Emma", "pages": 320},
            ]
        }
    }


async def test_interface_object_field_for_every_implementation(media_gateway: Gateway) -> None:
    result = await run(media_gateway, "{ library { id stars } }")
    assert result == {
        "data": {"library": [{"id": "b1", "stars": 5}, {"id": "m1", "stars": 3}, {"id": "b2", "stars": 4}]}
    }


async def test_interface_object_field_from_a_concrete_type_elsewhere(media_gateway: Gateway) -> None:
    result = await run(media_gateway, "{ bestsellers { title stars pages } }")
    assert result == {
        "data": {
            "bestsellers": [
                {"title": "Emma", "stars": 4, "pages": 320},
                {"title": "Dune", "stars": 5, "pages": 412},
            ]
        }
    }


async def test_union_members_completed_by_different_subgraphs(media_gateway: Gateway) -> None:
    query = """
        { search(text: "x") {
            __typename
            ... on Book { title pages }
            ... on Author { name bio books { title } }
        } }
    """
    result = await run(media_gateway, query)
    assert result == {
        "data": {
            "search": [
                {"__typename": "Book", "title": "Dune", "pages": 412},
                {
                    "__typename": "Author",
                    "name": "Jane Austen",
                    "bio": "Wrote about manners.",
                    "books": [{"title": "Emma"}],
                },
                {"__typename": "Movie"},
            ]
        }
    }


async def test_fragment_on_another_interface_of_the_runtime_type(media_gateway: Gateway) -> None:
    result = await run(media_gateway, '{ node(id: "m1") { id ... on Media { title stars } } }')
    assert result == {"data": {"node": {"id": "m1", "title": "Alien", "stars": 3}}}


async def test_nested_jumps_under_an_entity_reached_by_a_jump(media_gateway: Gateway) -> None:
    result = await run(media_gateway, "{ bestsellers { author { name bio books { title } } } }")
    assert result["data"]["bestsellers"][1] == {
        "author": {"name": "Frank Herbert", "bio": "Wrote about sand.", "books": [{"title": "Dune"}]}
    }


async def test_interface_object_root_with_its_own_fields(media_gateway: Gateway) -> None:
    result = await run(media_gateway, "{ topRated { id stars } }")
    assert result == {"data": {"topRated": [{"id": "b1", "stars": 5}, {"id": "m1", "stars": 3}]}}


async def test_interface_object_root_learns_the_concrete_type_from_the_owner(media_gateway: Gateway) -> None:
    query = "{ topRated { __typename stars ... on Book { pages } ... on Movie { title minutes } } }"
    result = await run(media_gateway, query)
    assert result == {
        "data": {
            "topRated": [
                {"__typename": "Book", "stars": 5, "pages": 412},
                {"__typename": "Movie", "stars": 3, "title": "Alien", "minutes": 117},
            ]
        }
    }


async def test_interface_object_field_with_requires(media_gateway: Gateway) -> None:
    result = await run(media_gateway, "{ library { score } bestsellers { score } topRated { score } }")
    assert result == {
        "data": {
            "library": [{"score": "Dune: 5/5"}, {"score": "Alien: 3/5"}, {"score": "Emma: 4/5"}],
            "bestsellers": [{"score": "Emma: 4/5"}, {"score": "Dune: 5/5"}],
            "topRated": [{"score": "Dune: 5/5"}, {"score": "Alien: 3/5"}],
        }
    }
