"""Entity resolution (`_entities`) through the Redis-backed loader: bounded SQL, cache, invalidation."""

from __future__ import annotations

import uuid
import warnings
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.common.context import AppResources
from tests.subgraphs.products.builders import Catalog
from tests.support.counters import count_redis, count_sql
from tests.support.graphql import GraphQLClient
from tests.support.representations import bad_representations, codes_by_index
from tests.support.tokens import Tokens

ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Product { id sku price stock { available } } }
}
"""


@pytest.fixture
async def hundred_products(products_engine: AsyncEngine, clean_products: None) -> list[str]:
    async with products_engine.begin() as connection:
        rows = await connection.execute(
            text(
                "INSERT INTO products.products (id, sku, name, price, stock_on_hand) "
                "SELECT gen_random_uuid(), 'BULK-' || n, 'Bulk ' || n, n, n FROM generate_series(1, 100) AS n "
                "RETURNING id, sku"
            )
        )
        by_sku = {sku: str(product_id) for product_id, sku in rows}
    return [by_sku[f"BULK-{n}"] for n in range(1, 101)]


def representations(ids: list[str]) -> dict[str, Any]:
    return {"representations": [{"__typename": "Product", "id": product_id} for product_id in ids]}


async def test_entities_come_back_in_order_with_null_for_unknown_ids(
    gql: GraphQLClient, hundred_products: list[str]
) -> None:
    asked = [hundred_products[2], str(uuid.uuid4()), hundred_products[0]]

    entities = (await gql.execute(ENTITIES, representations(asked))).ok()["_entities"]

    assert [entity and entity["sku"] for entity in entities] == ["BULK-3", None, "BULK-1"]


async def test_bad_representations_are_bad_user_input_at_their_index_and_the_rest_resolve_in_one_query(
    gql: GraphQLClient, hundred_products: list[str], products_engine: AsyncEngine
) -> None:
    bad = bad_representations("Product", hundred_products[0])
    asked = [
        {"__typename": "Product", "id": hundred_products[0]},
        *bad.values(),
        {"__typename": "Product", "id": hundred_products[1]},
    ]

    with count_sql(products_engine) as sql:
        response = await gql.execute(ENTITIES, {"representations": asked})

    entities = response.data["_entities"]
    assert [entity and entity["sku"] for entity in entities] == ["BULK-1", *[None] * len(bad), "BULK-2"]
    assert codes_by_index(response) == dict.fromkeys(range(1, len(bad) + 1), "BAD_USER_INPUT")
    assert len(sql.selects()) == 1


async def test_more_representations_than_the_cap_are_refused_without_sql(
    gql: GraphQLClient, hundred_products: list[str], products_engine: AsyncEngine
) -> None:
    with count_sql(products_engine) as sql:
        response = await gql.execute(ENTITIES, representations([*hundred_products, hundred_products[0]]))

    assert response.codes == ["BAD_USER_INPUT"]
    assert response.errors[0]["path"] == ["_entities"]
    assert response.data is None
    assert sql.count == 0


async def test_a_hundred_references_cost_one_mget_and_one_sql_query(
    gql: GraphQLClient, hundred_products: list[str], products_resources: AppResources
) -> None:
    with count_sql(products_resources.engine) as sql, count_redis(products_resources.redis) as redis:
        entities = (await gql.execute(ENTITIES, representations(hundred_products))).ok()["_entities"]

    assert [entity["sku"] for entity in entities] == [f"BULK-{n}" for n in range(1, 101)]
    assert redis.calls("mget") == 1
    assert len(sql.selects()) == 1


async def test_a_warm_cache_answers_without_sql(
    gql: GraphQLClient, hundred_products: list[str], products_resources: AppResources
) -> None:
    (await gql.execute(ENTITIES, representations(hundred_products))).ok()

    with count_sql(products_resources.engine) as sql, count_redis(products_resources.redis) as redis:
        (await gql.execute(ENTITIES, representations(hundred_products))).ok()

    assert sql.count == 0
    assert redis.calls("mget") == 1


async def test_repeated_representations_are_loaded_once(
    gql: GraphQLClient, hundred_products: list[str], products_engine: AsyncEngine
) -> None:
    with count_sql(products_engine) as sql:
        entities = (await gql.execute(ENTITIES, representations([hundred_products[0]] * 5))).ok()["_entities"]

    assert [entity["sku"] for entity in entities] == ["BULK-1"] * 5
    assert len(sql.selects()) == 1
    assert "ANY" in sql.selects()[0].upper() or " IN " in sql.selects()[0].upper()


async def test_a_price_change_is_visible_on_the_next_read(
    gql: GraphQLClient, hundred_products: list[str], tokens: Tokens
) -> None:
    target = hundred_products[0]
    (await gql.execute(ENTITIES, representations([target]))).ok()
    update = 'mutation($id: ID!) { updateProduct(id: $id, input: {price: "42.00"}) { price } }'

    (await gql.execute(update, {"id": target}, token=tokens.admin)).ok()
    entities = (await gql.execute(ENTITIES, representations([target]))).ok()["_entities"]

    assert entities[0]["price"] == "42.00"


async def test_a_reservation_is_visible_on_the_next_read(
    gql: GraphQLClient, hundred_products: list[str], tokens: Tokens
) -> None:
    target = hundred_products[9]  # ten in stock
    (await gql.execute(ENTITIES, representations([target]))).ok()
    reserve = "mutation($o: ID!, $p: ID!) { reserveStock(orderId: $o, items: [{productId: $p, quantity: 4}]) { status } }"

    (await gql.execute(reserve, {"o": str(uuid.uuid4()), "p": target}, token=tokens.service)).ok()
    entities = (await gql.execute(ENTITIES, representations([target]))).ok()["_entities"]

    assert entities[0]["stock"]["available"] == 6


async def test_product_query_reads_through_the_same_cache(
    gql: GraphQLClient, hundred_products: list[str], products_engine: AsyncEngine
) -> None:
    query = "query($id: ID!) { product(id: $id) { sku } }"
    (await gql.execute(query, {"id": hundred_products[0]})).ok()

    with count_sql(products_engine) as sql:
        result = (await gql.execute(query, {"id": hundred_products[0]})).ok()

    assert result == {"product": {"sku": "BULK-1"}}
    assert sql.count == 0


CATEGORIES_OF_ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Product { sku category { slug } } }
}
"""


async def test_entities_read_their_categories_from_one_read_of_the_tree(
    gql: GraphQLClient, catalog: Catalog, products_resources: AppResources
) -> None:
    phones = await catalog.category("Phones")
    ids = [(await catalog.product(f"PH-{n}", category=phones))["id"] for n in range(3)]
    uncategorised = (await catalog.product("LOOSE"))["id"]

    with count_sql(products_resources.engine) as sql, count_redis(products_resources.redis) as redis:
        response = await gql.execute(CATEGORIES_OF_ENTITIES, representations([*ids, uncategorised]))

    categories = [(entity["sku"], entity["category"]) for entity in response.ok()["_entities"]]
    assert categories == [*((f"PH-{n}", {"slug": "phones"}) for n in range(3)), ("LOOSE", None)]
    assert redis.calls("get") + len([s for s in sql.selects() if "categories" in s]) <= 2


async def test_an_entity_whose_category_is_not_asked_leaves_nothing_unawaited(
    gql: GraphQLClient, catalog: Catalog, products_resources: AppResources
) -> None:
    phones = await catalog.category("Phones")
    product = await catalog.product("PH-1", category=phones)

    with warnings.catch_warnings(record=True) as caught, count_redis(products_resources.redis) as redis:
        warnings.simplefilter("always")
        (await gql.execute(ENTITIES, representations([product["id"]]))).ok()

    assert [str(warning.message) for warning in caught if "never awaited" in str(warning.message)] == []
    assert redis.calls("get") == 0  # the tree is not read for a category nobody asked for
