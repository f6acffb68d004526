"""A shareable root field asked of several subgraphs at once, their answers merged into one object."""

from __future__ import annotations

from router.gateway import Gateway, GraphQLRequest


async def test_one_object_merged_from_three_subgraphs(shared_root_gateway: Gateway) -> None:
    result = await shared_root_gateway.execute(GraphQLRequest("{ product { id name category price } }"), {})
    assert result == {"data": {"product": {"id": "1", "name": "Pen", "category": "Office", "price": 3}}}


async def test_lists_merged_element_by_element_with_aliases(shared_root_gateway: Gateway) -> None:
    result = await shared_root_gateway.execute(GraphQLRequest("{ all: products { n: name p: price } }"), {})
    assert result == {"data": {"all": [{"n": "Pen", "p": 3}, {"n": "Ink", "p": 9}]}}
