"""Entity resolution of `Order` (`_entities`) goes through the Redis-backed loader: one MGET, a fixed
number of SQL queries for the misses, none on a warm cache; a write is visible on the next read."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.common.auth import Role
from subgraphs.common.loaders import EntityCache
from tests.subgraphs.orders.shop import UPDATE_STATUS, Shop, placed
from tests.support.counters import count_sql
from tests.support.graphql import GraphQLClient
from tests.support.representations import bad_representations, codes_by_index
from tests.support.tokens import Tokens

ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Order { id number status total items { quantity } history { to } customer { id } }
  }
}
"""


@pytest.fixture
def cache_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many ids each read of the order cache asked for (each read is one Redis MGET).

    Counted at the cache rather than from the Redis server's statistics, which other test sessions
    sharing the server also move.
    """
    reads: list[int] = []
    original = EntityCache.get_many

    async def counting(self: EntityCache[Any, Any], ids: Sequence[Any]) -> list[Any]:
        if ":orders:" in self.key("x"):
            reads.append(len(ids))
        return await original(self, ids)

    monkeypatch.setattr(EntityCache, "get_many", counting)
    return reads


def representations(ids: list[str]) -> dict[str, Any]:
    return {"representations": [{"__typename": "Order", "id": order_id} for order_id in ids]}


async def some_orders(gql: GraphQLClient, shop: Shop, tokens: Tokens, count: int) -> list[str]:
    mug = await shop.product("ENT-1", stock=count)
    return [(await placed(gql, tokens.customer, (mug, 1)))["id"] for _ in range(count)]


async def test_orders_come_back_in_order_with_null_for_unknown_ids(
    gql: GraphQLClient, shop: Shop, tokens: Tokens
) -> None:
    ids = await some_orders(gql, shop, tokens, 2)
    asked = [ids[1], str(uuid.uuid4()), ids[0]]

    entities = (await gql.execute(ENTITIES, representations(asked), token=tokens.admin)).ok()["_entities"]

    assert [entity and entity["id"] for entity in entities] == [ids[1], None, ids[0]]


async def test_bad_representations_are_bad_user_input_at_their_index_and_the_rest_resolve_as_one_batch(
    gql: GraphQLClient,
    shop: Shop,
    tokens: Tokens,
    orders_engine: AsyncEngine,
    redis: Redis,
    cache_namespace: str,
    cache_reads: list[int],
) -> None:
    ids = await some_orders(gql, shop, tokens, 2)
    bad = bad_representations("Order", ids[0])
    asked = [{"__typename": "Order", "id": ids[0]}, *bad.values(), {"__typename": "Order", "id": ids[1]}]
    cache_reads.clear()
    keys = [key async for key in redis.scan_iter(match=f"{cache_namespace}:orders:*")]
    if keys:
        await redis.delete(*keys)

    with count_sql(orders_engine) as sql:
        response = await gql.execute(ENTITIES, {"representations": asked}, token=tokens.admin)

    entities = response.data["_entities"]
    assert [entity and entity["id"] for entity in entities] == [ids[0], *[None] * len(bad), ids[1]]
    assert codes_by_index(response) == dict.fromkeys(range(1, len(bad) + 1), "BAD_USER_INPUT")
    assert cache_reads == [2]  # one MGET for the two good ones
    assert len(sql.selects()) == 3  # orders, their items, their history: as for the good ones alone


async def test_a_user_representation_without_its_key_is_bad_user_input(
    gql: GraphQLClient, tokens: Tokens
) -> None:
    asked = [{"__typename": "User"}, {"__typename": "User", "id": "customer-1"}]
    query = "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } } }"

    response = await gql.execute(query, {"r": asked}, token=tokens.admin)

    assert response.data == {"_entities": [None, {"id": "customer-1"}]}
    assert codes_by_index(response) == {0: "BAD_USER_INPUT"}


async def test_more_representations_than_the_cap_are_refused_without_sql(
    gql: GraphQLClient, tokens: Tokens, orders_engine: AsyncEngine, cache_reads: list[int]
) -> None:
    with count_sql(orders_engine) as sql:
        response = await gql.execute(
            ENTITIES, representations([str(uuid.uuid4()) for _ in range(101)]), token=tokens.admin
        )

    assert response.codes == ["BAD_USER_INPUT"]
    assert response.errors[0]["path"] == ["_entities"]
    assert response.data is None
    assert sql.count == 0
    assert cache_reads == []


async def test_many_references_cost_one_mget_and_three_sql_queries(
    gql: GraphQLClient,
    shop: Shop,
    tokens: Tokens,
    orders_engine: AsyncEngine,
    redis: Redis,
    cache_namespace: str,
    cache_reads: list[int],
) -> None:
    ids = await some_orders(gql, shop, tokens, 12)
    cache_reads.clear()
    keys = [key async for key in redis.scan_iter(match=f"{cache_namespace}:orders:*")]
    if keys:
        await redis.delete(*keys)

    with count_sql(orders_engine) as sql:
        entities = (await gql.execute(ENTITIES, representations(ids), token=tokens.admin)).ok()["_entities"]

    assert [entity["id"] for entity in entities] == ids
    assert cache_reads == [len(ids)]  # one MGET for all of them
    assert len(sql.selects()) == 3  # orders, their items, their history


async def test_a_warm_cache_answers_without_sql(
    gql: GraphQLClient, shop: Shop, tokens: Tokens, orders_engine: AsyncEngine, cache_reads: list[int]
) -> None:
    ids = await some_orders(gql, shop, tokens, 3)
    (await gql.execute(ENTITIES, representations(ids), token=tokens.admin)).ok()
    cache_reads.clear()

    with count_sql(orders_engine) as sql:
        (await gql.execute(ENTITIES, representations(ids), token=tokens.admin)).ok()

    assert sql.count == 0
    assert cache_reads == [len(ids)]


async def test_a_status_change_is_visible_on_the_next_read(
    gql: GraphQLClient, shop: Shop, tokens: Tokens
) -> None:
    [order_id] = await some_orders(gql, shop, tokens, 1)
    (await gql.execute(ENTITIES, representations([order_id]), token=tokens.admin)).ok()

    (await gql.execute(UPDATE_STATUS, {"id": order_id, "status": "SHIPPED"}, token=tokens.admin)).ok()
    entities = (await gql.execute(ENTITIES, representations([order_id]), token=tokens.admin)).ok()[
        "_entities"
    ]

    assert entities[0]["status"] == "SHIPPED"
    assert [h["to"] for h in entities[0]["history"]] == ["PENDING", "PAID", "SHIPPED"]


async def test_an_order_entity_is_hidden_from_other_customers(
    gql: GraphQLClient, shop: Shop, tokens: Tokens
) -> None:
    [order_id] = await some_orders(gql, shop, tokens, 1)

    mine = (await gql.execute(ENTITIES, representations([order_id]), token=tokens.customer)).ok()["_entities"]
    theirs = (
        await gql.execute(ENTITIES, representations([order_id]), token=tokens.for_role(Role.CUSTOMER, "eve"))
    ).ok()["_entities"]

    assert mine[0]["customer"] == {"id": "customer-1"}
    assert theirs == [None]
