"""Executing plans against the shop subgraphs served for real over HTTP; merged data asserted."""

from __future__ import annotations

from typing import Any

from router.gateway import Gateway, GraphQLRequest


async def run(
    gateway: Gateway, query: str, variables: dict[str, Any] | None = None, operation_name: str | None = None
) -> dict[str, Any]:
    return await gateway.execute(GraphQLRequest(query, operation_name, variables), {})


async def test_entity_jump_merges_fields_from_two_subgraphs(shop_gateway: Gateway) -> None:
    result = await run(shop_gateway, "{ me { name reviews { body } } }")
    assert result == {
        "data": {
            "me": {"name": "Ada Lovelace", "reviews": [{"body": "Love it!"}, {"body": "Too expensive."}]}
        }
    }


async def test_requires_sends_required_fields_in_representations(shop_gateway: Gateway) -> None:
    result = await run(shop_gateway, "{ topProducts(first: 2) { name shippingEstimate inStock } }")
    assert result == {
        "data": {
            "topProducts": [
                {"name": "Table", "shippingEstimate": 15, "inStock": True},
                {"name": "Couch", "shippingEstimate": 0, "inStock": False},
            ]
        }
    }
