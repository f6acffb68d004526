"""The checked-in SDL is what the code exports; it declares the federation contract."""

from __future__ import annotations

from pathlib import Path

from subgraphs.common.sdl import export_sdl
from subgraphs.products.schema import create_schema
from tests.support.graphql import GraphQLClient

CHECKED_IN = Path(__file__).resolve().parents[3] / "schema" / "products.graphql"


def test_checked_in_sdl_matches_the_code() -> None:
    assert CHECKED_IN.read_text() == export_sdl(create_schema()), (
        "schema/products.graphql is out of date: run `gocart export-schema`"
    )


def test_sdl_declares_entities_and_hides_internal_operations() -> None:
    sdl = export_sdl(create_schema())
    assert 'type Product @key(fields: "id")' in sdl
    assert 'type Category @key(fields: "id")' in sdl
    assert "reserveStock(orderId: ID!, items: [StockLineInput!]!): StockReservation! @inaccessible" in sdl


async def test_service_sdl_is_served_over_graphql(gql: GraphQLClient) -> None:
    result = await gql.execute("{ _service { sdl } }")
    assert result.ok()["_service"]["sdl"] == export_sdl(create_schema()).rstrip("\n")
