"""A products mutation names what it changed in `extensions.invalidation` (the router drops it from
its entity cache before answering); a query names nothing."""

from __future__ import annotations

from tests.subgraphs.products.builders import Catalog
from tests.subgraphs.products.test_events import DELETE, UPDATE_PRICE
from tests.subgraphs.products.test_stock import RESTOCK
from tests.support.graphql import GraphQLClient
from tests.support.tokens import Tokens


def product_entity(product_id: str) -> dict[str, object]:
    return {"kind": "entity", "subgraph": "products", "type": "Product", "key": {"id": product_id}}


async def test_an_update_names_the_product_it_changed(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    product = await catalog.product("INV-1", stock=3)
    answer = await gql.execute(UPDATE_PRICE, {"id": product["id"]}, token=tokens.admin)
    answer.ok()
    assert answer.extensions["invalidation"] == [product_entity(product["id"])]


async def test_a_restock_and_a_delete_name_the_product(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    product = await catalog.product("INV-2", stock=3)
    restocked = await gql.execute(RESTOCK, {"id": product["id"], "q": 2}, token=tokens.admin)
    deleted = await gql.execute(DELETE, {"id": product["id"]}, token=tokens.admin)
    assert restocked.extensions["invalidation"] == [product_entity(product["id"])]
    assert deleted.extensions["invalidation"] == [product_entity(product["id"])]


async def test_a_product_created_with_stock_is_named_once(gql: GraphQLClient, tokens: Tokens) -> None:
    create = (
        'mutation { createProduct(input: {sku: "INV-4", name: "Inv", price: "1.00", '
        "initialStock: 2}) { id } }"
    )
    answer = await gql.execute(create, token=tokens.admin)
    product_id = answer.ok()["createProduct"]["id"]
    assert answer.extensions["invalidation"] == [product_entity(product_id)]


async def test_a_query_names_nothing(gql: GraphQLClient, catalog: Catalog) -> None:
    product = await catalog.product("INV-3", stock=3)
    answer = await gql.execute("query($id: ID!) { product(id: $id) { id } }", {"id": product["id"]})
    assert answer.ok()["product"]["id"] == product["id"]
    assert "invalidation" not in answer.extensions
