"""The checked-in SDL is what the code exports; it declares the federation contract."""

from __future__ import annotations

from pathlib import Path

from subgraphs.common.sdl import export_sdl
from subgraphs.orders.schema import create_schema
from tests.support.graphql import GraphQLClient

CHECKED_IN = Path(__file__).resolve().parents[3] / "schema" / "orders.graphql"


def test_checked_in_sdl_matches_the_code() -> None:
    assert CHECKED_IN.read_text() == export_sdl(create_schema()), (
        "schema/orders.graphql is out of date: export it with subgraphs.common.sdl.export_sdl"
    )


def test_sdl_declares_the_entities_orders_owns_and_extends() -> None:
    sdl = export_sdl(create_schema())
    assert 'type Order @key(fields: "id")' in sdl
    assert 'type User @key(fields: "id")' in sdl
    assert 'type Product @key(fields: "id", resolvable: false)' in sdl
    assert (
        "orders(first: Int = null, after: String = null, status: OrderStatus = null): OrderConnection " in sdl
    )


async def test_service_sdl_is_served_over_graphql(gql: GraphQLClient) -> None:
    result = await gql.execute("{ _service { sdl } }")
    assert result.ok()["_service"]["sdl"] == export_sdl(create_schema()).rstrip("\n")
