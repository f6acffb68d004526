"""Value-type fields from another subgraph, fetched through the parent entity and merged in place."""

from __future__ import annotations

from router.gateway import Gateway, GraphQLRequest


async def test_value_type_field_merged_under_its_parent(parent_entity_gateway: Gateway) -> None:
    query = "{ products { name category { name details { summary } } } }"
    result = await parent_entity_gateway.execute(GraphQLRequest(query), {})
    assert result == {
        "data": {
            "products": [
                {"name": "Product p1", "category": {"name": "Tools", "details": {"summary": "All about c1"}}},
                {"name": "Product p2", "category": {"name": "Toys", "details": {"summary": "All about c2"}}},
            ]
        }
    }


async def test_lists_of_value_types_merge_element_by_element(parent_entity_gateway: Gateway) -> None:
    result = await parent_entity_gateway.execute(
        GraphQLRequest("{ products { variants { sku color stock } } }"), {}
    )
    assert result == {
        "data": {
            "products": [
                {
                    "variants": [
                        {"sku": "p1-red", "color": "red", "stock": 3},
                        {"sku": "p1-blue", "color": "blue", "stock": 0},
                    ]
                },
                {"variants": [{"sku": "p2-one", "color": "green", "stock": 9}]},
            ]
        }
    }


async def test_value_type_inside_an_entity_fetch_merged_from_a_parent_entity_call(
    deep_parent_entity_gateway: Gateway,
) -> None:
    query = "{ products { name category { name details { summary } } } }"
    result = await deep_parent_entity_gateway.execute(GraphQLRequest(query), {})
    assert result == {
        "data": {
            "products": [
                {"name": "Product p1", "category": {"name": "Tools", "details": {"summary": "All about c1"}}},
                {"name": "Product p2", "category": {"name": "Toys", "details": {"summary": "All about c2"}}},
            ]
        }
    }


async def test_entity_without_a_key_in_the_target_merged_through_an_ancestor(
    deep_parent_entity_gateway: Gateway,
) -> None:
    query = "{ products { seller { nick address { city geo } } } }"
    result = await deep_parent_entity_gateway.execute(GraphQLRequest(query), {})
    assert result == {
        "data": {
            "products": [
                {"seller": {"nick": "ann", "address": {"city": "Lyon", "geo": "45.76,4.84"}}},
                {"seller": {"nick": "bob", "address": {"city": "Nice", "geo": "43.70,7.26"}}},
            ]
        }
    }


async def test_requires_of_a_field_reached_through_a_parent_entity_call(
    deep_parent_entity_gateway: Gateway,
) -> None:
    query = "{ products { name category { blurb } } }"
    result = await deep_parent_entity_gateway.execute(GraphQLRequest(query), {})
    assert result == {
        "data": {
            "products": [
                {"name": "Product p1", "category": {"blurb": "Best of Tools"}},
                {"name": "Product p2", "category": {"blurb": "Best of Toys"}},
            ]
        }
    }


async def test_requires_that_needs_a_parent_entity_call(deep_parent_entity_gateway: Gateway) -> None:
    result = await deep_parent_entity_gateway.execute(GraphQLRequest("{ products { shipping } }"), {})
    assert result == {
        "data": {"products": [{"shipping": "Tools (All about c1)"}, {"shipping": "Toys (All about c2)"}]}
    }


async def test_aliased_replay_with_requires_merges_under_the_client_alias(
    deep_parent_entity_gateway: Gateway,
) -> None:
    query = "{ products { c: category { name b: blurb } } }"
    result = await deep_parent_entity_gateway.execute(GraphQLRequest(query), {})
    assert result == {
        "data": {
            "products": [
                {"c": {"name": "Tools", "b": "Best of Tools"}},
                {"c": {"name": "Toys", "b": "Best of Toys"}},
            ]
        }
    }
