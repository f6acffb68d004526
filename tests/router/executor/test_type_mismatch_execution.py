"""A subgraph typing `id` differently per implementation still gets a valid query; data comes back whole."""

from __future__ import annotations

from router.gateway import Gateway, GraphQLRequest


async def test_fields_aliased_apart_are_renamed_back(mismatch_gateway: Gateway) -> None:
    result = await mismatch_gateway.execute(GraphQLRequest("{ accounts { id ... on User { name } } }"), {})
    assert result == {"data": {"accounts": [{"id": "u1", "name": "Ann"}, {"id": "a1"}]}}


async def test_renamed_key_feeds_the_entity_fetch(mismatch_gateway: Gateway) -> None:
    query = "{ accounts { __typename id ... on Admin { level } } }"
    result = await mismatch_gateway.execute(GraphQLRequest(query), {})
    assert result == {
        "data": {
            "accounts": [{"__typename": "User", "id": "u1"}, {"__typename": "Admin", "id": "a1", "level": 7}]
        }
    }
