"""Entity resolution of `User` through the Redis-backed loader: bounded SQL, cache, invalidation."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.common.context import AppResources
from tests.subgraphs.users.builders import Accounts
from tests.support.counters import count_redis, count_sql
from tests.support.graphql import GraphQLClient
from tests.support.representations import bad_representations, codes_by_index

ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id firstName } } }"
RENAME = 'mutation($id: ID!) { updateUser(id: $id, input: {firstName: "Renamed"}) { id } }'


def representations(ids: list[str]) -> dict[str, object]:
    return {"r": [{"__typename": "User", "id": user_id} for user_id in ids]}


async def test_many_users_cost_one_mget_and_one_sql_query_then_none(
    gql: GraphQLClient, accounts: Accounts, users_resources: AppResources
) -> None:
    ids = [(await accounts.register(f"person{n}@example.com"))["id"] for n in range(12)]

    with count_redis(users_resources.redis) as redis:
        with count_sql(users_resources.engine) as cold:
            first = (await gql.execute(ENTITIES, representations(ids))).ok()["_entities"]
        with count_sql(users_resources.engine) as warm:
            (await gql.execute(ENTITIES, representations(ids))).ok()

    assert [entity["id"] for entity in first] == ids
    assert len(cold.selects()) == 1
    assert warm.count == 0
    assert redis.calls("mget") == 2


async def test_an_update_is_visible_on_the_next_read(gql: GraphQLClient, accounts: Accounts) -> None:
    ada = await accounts.signed_in("ada@example.com")
    (await gql.execute(ENTITIES, representations([ada.id]))).ok()

    (await gql.execute(RENAME, {"id": ada.id}, token=ada.access_token)).ok()

    assert (await gql.execute(ENTITIES, representations([ada.id]))).ok()["_entities"][0][
        "firstName"
    ] == "Renamed"


async def test_unknown_ids_resolve_to_null(gql: GraphQLClient) -> None:
    result = await gql.execute(ENTITIES, representations(["00000000-0000-0000-0000-000000000000"]))
    assert result.ok() == {"_entities": [None]}


async def test_bad_representations_are_bad_user_input_at_their_index_and_the_rest_resolve_in_one_query(
    gql: GraphQLClient, accounts: Accounts, users_engine: AsyncEngine
) -> None:
    ids = [(await accounts.register(f"person{n}@example.com"))["id"] for n in range(2)]
    bad = bad_representations("User", ids[0])
    asked = [{"__typename": "User", "id": ids[0]}, *bad.values(), {"__typename": "User", "id": ids[1]}]

    with count_sql(users_engine) as sql:
        response = await gql.execute(ENTITIES, {"r": asked})

    entities = response.data["_entities"]
    assert [entity and entity["id"] for entity in entities] == [ids[0], *[None] * len(bad), ids[1]]
    assert codes_by_index(response) == dict.fromkeys(range(1, len(bad) + 1), "BAD_USER_INPUT")
    assert len(sql.selects()) == 1


async def test_more_representations_than_the_cap_are_refused_without_sql(
    gql: GraphQLClient, accounts: Accounts, users_engine: AsyncEngine
) -> None:
    user_id = (await accounts.register("person@example.com"))["id"]

    with count_sql(users_engine) as sql:
        response = await gql.execute(ENTITIES, representations([user_id] * 101))

    assert response.codes == ["BAD_USER_INPUT"]
    assert response.errors[0]["path"] == ["_entities"]
    assert response.data is None
    assert sql.count == 0
