"""Errors point at the client's document: each error's path names fields of the client's operation,
and their locations are what the client sees, never those of the router's subgraph operations."""

from __future__ import annotations

from textwrap import dedent
from typing import Any

from router.gateway import Gateway, GraphQLRequest
from tests.router.locations import location_of as at


async def run(gateway: Gateway, query: str, operation_name: str | None = None) -> dict[str, Any]:
    return await gateway.execute(GraphQLRequest(query, operation_name), {})


async def test_root_field_error_points_at_the_root_field(faulty_gateway: Gateway) -> None:
    query = dedent("""\
        {
          shelves { name }
          book(id: "lost") {
            title
          }
        }""")
    result = await run(faulty_gateway, query)
    assert result["data"] == {"shelves": [{"name": "Classics"}, {"name": "New"}], "book": None}
    assert result["errors"] == [
        {
            "message": "no book lost",
            "locations": [at(query, "book(")],
            "path": ["book"],
            "extensions": {"serviceName": "shelves"},
        }
    ]


async def test_entity_error_in_nested_lists_points_at_the_client_field(faulty_gateway: Gateway) -> None:
    query = dedent("""\
        {
          shelves {
            books {
              title
              reviews { body }
            }
          }
        }""")
    result = await run(faulty_gateway, query)
    assert result["data"]["shelves"][1]["books"][1] == {
        "title": "Klara",
        "reviews": [{"body": "Kind"}, {"body": None}],
    }
    assert result["errors"] == [
        {
            "message": "review 2 of b4 was withdrawn",
            "locations": [at(query, "body")],
            "path": ["shelves", 1, "books", 1, "reviews", 1, "body"],
            "extensions": {"serviceName": "reviews"},
        }
    ]


async def test_aliased_fields_are_found_by_their_alias(faulty_gateway: Gateway) -> None:
    query = dedent("""\
        {
          shelves {
            books {
              opinions: reviews {
                text: body
                body: stars
              }
            }
          }
        }""")
    result = await run(faulty_gateway, query)
    assert result["data"]["shelves"][1]["books"][1]["opinions"] == [
        {"text": "Kind", "body": 5},
        {"text": None, "body": 4},
    ]
    [error] = result["errors"]
    assert error["path"] == ["shelves", 1, "books", 1, "opinions", 1, "text"]
    assert error["locations"] == [at(query, "text: body")]


async def test_field_in_a_named_fragment_points_into_the_fragment(faulty_gateway: Gateway) -> None:
    query = dedent("""\
        query Shelves {
          shelves { books { ...Reviewed } }
        }

        fragment Reviewed on Book {
          id
          reviews { body }
        }""")
    result = await run(faulty_gateway, query, "Shelves")
    [error] = result["errors"]
    assert error["path"] == ["shelves", 1, "books", 1, "reviews", 1, "body"]
    assert error["locations"] == [at(query, "body")]


async def test_only_the_fragment_for_the_objects_type_is_located(faulty_gateway: Gateway) -> None:
    query = dedent("""\
        {
          items {
            ... on Book { title }
            ... on Magazine { title }
          }
        }""")
    result = await run(faulty_gateway, query)
    assert result["data"] == {"items": [{"title": "Emma"}, {"title": None}]}
    [error] = result["errors"]
    assert error["path"] == ["items", 1, "title"]
    assert error["locations"] == [at(query, "title", occurrence=2)]


async def test_field_asked_twice_reports_both_locations(faulty_gateway: Gateway) -> None:
    query = dedent("""\
        {
          book(id: "lost") { title }
          book(id: "lost") { id }
        }""")
    result = await run(faulty_gateway, query)
    [error] = result["errors"]
    assert error["locations"] == [at(query, "book("), at(query, "book(", occurrence=2)]


async def test_error_in_a_field_only_the_router_asked_for_has_no_locations(faulty_gateway: Gateway) -> None:
    query = "{ shelves { books { teaser } } }"
    result = await run(faulty_gateway, query)
    assert result["data"]["shelves"][1]["books"] == [{"teaser": "no blurb"}, {"teaser": "about Kl"}]
    assert result["errors"] == [
        {
            "message": "the blurb of b3 is lost",
            "path": ["shelves", 1, "books", 0, "blurb"],
            "extensions": {"serviceName": "shelves"},
        }
    ]
