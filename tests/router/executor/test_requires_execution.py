"""@requires chains, arguments, nested selections and fragments, and nested @provides, over real HTTP."""

from __future__ import annotations

from typing import Any

from router.gateway import Gateway, GraphQLRequest


async def run(gateway: Gateway, query: str) -> dict[str, Any]:
    return await gateway.execute(GraphQLRequest(query), {})


async def test_requires_that_needs_requires(requires_gateway: Gateway) -> None:
    assert await run(requires_gateway, "{ item { tax total } }") == {
        "data": {"item": {"tax": 10, "total": 110}}
    }


async def test_requires_with_an_argument_next_to_the_same_field_without_it(requires_gateway: Gateway) -> None:
    result = await run(requires_gateway, "{ items { weight shipping } }")
    assert result == {"data": {"items": [{"weight": 2, "shipping": 12}, {"weight": 30, "shipping": 180}]}}


async def test_requires_with_a_nested_selection(requires_gateway: Gateway) -> None:
    result = await run(requires_gateway, "{ items { volume dims { depth } } }")
    assert result == {
        "data": {"items": [{"volume": 200, "dims": {"depth": 5}}, {"volume": 9000, "dims": {"depth": 60}}]}
    }


async def test_requires_with_fragments_on_a_union(requires_gateway: Gateway) -> None:
    result = await run(requires_gateway, "{ items { summary } }")
    assert result == {
        "data": {"items": [{"summary": "photo at https://img/i1"}, {"summary": "video of 42s"}]}
    }


async def test_nested_provides_and_a_jump_for_what_is_not_provided(requires_gateway: Gateway) -> None:
    result = await run(requires_gateway, "{ shelf { label items { name dims { width height } tax } } }")
    assert result == {
        "data": {
            "shelf": {
                "label": "Main",
                "items": [
                    {"name": "Lamp", "dims": {"width": 10, "height": 20}, "tax": 10},
                    {"name": "Desk", "dims": {"width": 120, "height": 75}, "tax": 25},
                ],
            }
        }
    }


async def test_nested_requirement_next_to_a_colliding_client_alias(requires_gateway: Gateway) -> None:
    result = await run(requires_gateway, "{ item { dims { height: width depth } volume } }")
    assert result == {"data": {"item": {"dims": {"height": 10, "depth": 5}, "volume": 200}}}


async def test_one_field_required_with_two_arguments_by_one_subgraph(
    requires_arguments_gateway: Gateway,
) -> None:
    result = await run(requires_arguments_gateway, "{ items { priceUsd priceEur } }")
    assert result == {
        "data": {
            "items": [
                {"priceUsd": "100 USD", "priceEur": "50 EUR"},
                {"priceUsd": "250 USD", "priceEur": "125 EUR"},
            ]
        }
    }


async def test_required_arguments_next_to_the_client_asking_one_of_them(
    requires_arguments_gateway: Gateway,
) -> None:
    query = '{ items { price(currency: "EUR") priceUsd note label } }'
    result = await run(requires_arguments_gateway, query)
    assert result == {
        "data": {
            "items": [
                {"price": 50, "priceUsd": "100 USD", "note": "note on i1", "label": "from 50 EUR"},
                {"price": 125, "priceUsd": "250 USD", "note": "note on i2", "label": "from 125 EUR"},
            ]
        }
    }


async def test_one_nested_field_required_with_two_arguments(requires_arguments_gateway: Gateway) -> None:
    result = await run(requires_arguments_gateway, '{ items { widthCm widthIn dims { width(unit: "in") } } }')
    assert result == {
        "data": {
            "items": [
                {"widthCm": 40, "widthIn": 20, "dims": {"width": 20}},
                {"widthCm": 120, "widthIn": 60, "dims": {"width": 60}},
            ]
        }
    }
