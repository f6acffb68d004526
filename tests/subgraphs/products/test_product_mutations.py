"""Admin catalogue writes: create, update, soft delete; who may call them and what input is refused."""

from __future__ import annotations

import uuid

import pytest

from tests.subgraphs.products.builders import CREATE_PRODUCT, PRODUCT_FIELDS, Catalog
from tests.support.graphql import GraphQLClient
from tests.support.tokens import Tokens

UPDATE = f"""
mutation($id: ID!, $input: UpdateProductInput!) {{ updateProduct(id: $id, input: $input) {{ {PRODUCT_FIELDS} }} }}
"""
DELETE = "mutation($id: ID!) { deleteProduct(id: $id) { id active deletedAt } }"
LIST_SKUS = "{ products { edges { node { sku } } } }"


def product_input(**overrides: object) -> dict[str, object]:
    return {"input": {"sku": "NEW-1", "name": "New thing", "price": "12.50", **overrides}}


async def test_admin_creates_a_product_with_initial_stock(gql: GraphQLClient, tokens: Tokens) -> None:
    result = await gql.execute(CREATE_PRODUCT, product_input(initialStock=7, sku="new-1"), token=tokens.admin)
    product = result.ok()["createProduct"]

    assert product["sku"] == "NEW-1"
    assert product["price"] == "12.50"
    assert product["stock"] == {"available": 7, "inStock": True, "onHand": 7, "reserved": 0}


async def test_creating_a_product_records_the_initial_stock_in_the_ledger(
    gql: GraphQLClient, tokens: Tokens
) -> None:
    created = (await gql.execute(CREATE_PRODUCT, product_input(initialStock=3), token=tokens.admin)).ok()
    query = "query($id: ID!) { stockMovements(productId: $id) { kind onHandDelta reason actor } }"

    ledger = (await gql.execute(query, {"id": created["createProduct"]["id"]}, token=tokens.admin)).ok()

    assert ledger["stockMovements"] == [
        {"kind": "RESTOCK", "onHandDelta": 3, "reason": "initial stock", "actor": "admin-1"}
    ]


async def test_anonymous_caller_is_unauthenticated(gql: GraphQLClient) -> None:
    result = await gql.execute(CREATE_PRODUCT, product_input())
    assert result.codes == ["UNAUTHENTICATED"]
    assert result.data is None


async def test_customer_is_forbidden(gql: GraphQLClient, tokens: Tokens) -> None:
    result = await gql.execute(CREATE_PRODUCT, product_input(), token=tokens.customer)
    assert result.codes == ["FORBIDDEN"]


async def test_invalid_token_is_unauthenticated(gql: GraphQLClient) -> None:
    result = await gql.execute(CREATE_PRODUCT, product_input(), token="not.a.jwt")
    assert result.codes == ["UNAUTHENTICATED"]


async def test_nothing_is_written_when_refused(gql: GraphQLClient, tokens: Tokens) -> None:
    await gql.execute(CREATE_PRODUCT, product_input(), token=tokens.customer)
    assert (await gql.execute(LIST_SKUS)).ok() == {"products": {"edges": []}}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"price": "-1.00"}, "price"),
        ({"price": "1.005"}, "price"),
        ({"currency": "dollars"}, "currency"),
        ({"name": "   "}, "name"),
        ({"sku": "has spaces"}, "sku"),
        ({"imageUrl": "javascript:alert(1)"}, "imageUrl"),
        ({"imageUrl": "http://[abc/x.png"}, "imageUrl"),
        ({"categoryId": str(uuid.uuid4())}, "categoryId"),
        ({"categoryId": "nope"}, "categoryId"),
        ({"initialStock": -1}, "initialStock"),
    ],
)
async def test_bad_input_is_refused_with_the_field(
    gql: GraphQLClient, tokens: Tokens, overrides: dict[str, object], field: str
) -> None:
    result = await gql.execute(CREATE_PRODUCT, product_input(**overrides), token=tokens.admin)
    assert result.codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == field


async def test_a_price_that_is_not_a_number_is_bad_user_input(gql: GraphQLClient, tokens: Tokens) -> None:
    result = await gql.execute(CREATE_PRODUCT, product_input(price="cheap"), token=tokens.admin)
    assert result.codes == ["BAD_USER_INPUT"]


async def test_duplicate_sku_is_a_conflict(gql: GraphQLClient, catalog: Catalog, tokens: Tokens) -> None:
    await catalog.product("NEW-1")
    result = await gql.execute(CREATE_PRODUCT, product_input(), token=tokens.admin)
    assert result.codes == ["CONFLICT"]


async def test_update_changes_only_the_given_fields(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    created = await catalog.product("UPD-1", "Before", price="5.00", description="kept")

    result = await gql.execute(UPDATE, {"id": created["id"], "input": {"name": "After"}}, token=tokens.admin)
    product = result.ok()["updateProduct"]

    assert (product["name"], product["price"], product["description"]) == ("After", "5.00", "kept")
    assert product["updatedAt"] > created["updatedAt"]


async def test_update_can_clear_the_category(gql: GraphQLClient, catalog: Catalog, tokens: Tokens) -> None:
    books = await catalog.category("Books")
    created = await catalog.product("BK-1", category=books)

    result = await gql.execute(
        UPDATE, {"id": created["id"], "input": {"categoryId": None}}, token=tokens.admin
    )

    assert result.ok()["updateProduct"]["category"] is None


async def test_update_refuses_null_for_a_required_field(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    created = await catalog.product("UPD-2")
    result = await gql.execute(UPDATE, {"id": created["id"], "input": {"price": None}}, token=tokens.admin)
    assert result.codes == ["BAD_USER_INPUT"]


async def test_update_of_an_unknown_product_is_not_found(gql: GraphQLClient, tokens: Tokens) -> None:
    result = await gql.execute(UPDATE, {"id": str(uuid.uuid4()), "input": {"name": "x"}}, token=tokens.admin)
    assert result.codes == ["NOT_FOUND"]


async def test_delete_hides_the_product_but_keeps_it_resolvable(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    created = await catalog.product("DEL-1")

    deleted = (await gql.execute(DELETE, {"id": created["id"]}, token=tokens.admin)).ok()["deleteProduct"]
    entities = await gql.execute(
        "query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { sku active } } }",
        {"r": [{"__typename": "Product", "id": created["id"]}]},
    )

    assert deleted["active"] is False
    assert deleted["deletedAt"] is not None
    assert (await gql.execute(LIST_SKUS)).ok() == {"products": {"edges": []}}
    assert entities.ok() == {"_entities": [{"sku": "DEL-1", "active": False}]}


async def test_a_deleted_products_sku_can_be_used_again(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    created = await catalog.product("NEW-1")
    await gql.execute(DELETE, {"id": created["id"]}, token=tokens.admin)

    result = await gql.execute(CREATE_PRODUCT, product_input(), token=tokens.admin)

    assert result.ok()["createProduct"]["sku"] == "NEW-1"


async def test_deleting_twice_is_not_found(gql: GraphQLClient, catalog: Catalog, tokens: Tokens) -> None:
    created = await catalog.product("DEL-2")
    await gql.execute(DELETE, {"id": created["id"]}, token=tokens.admin)
    result = await gql.execute(DELETE, {"id": created["id"]}, token=tokens.admin)
    assert result.codes == ["NOT_FOUND"]
