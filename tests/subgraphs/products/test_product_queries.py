"""Reading products: by id and SKU, listings with filters, sorts, search and cursor pagination."""

from __future__ import annotations

import base64
import uuid

from tests.subgraphs.products.builders import PUBLIC_PRODUCT_FIELDS, Catalog
from tests.support.graphql import GraphQLClient
from tests.support.tokens import Tokens

PRODUCT = f"query($id: ID!) {{ product(id: $id) {{ {PUBLIC_PRODUCT_FIELDS} }} }}"
LIST = """
query($filter: ProductFilter, $sort: ProductSort, $first: Int, $after: String) {
  products(filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount
    edges { cursor node { sku name price } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


async def skus(gql: GraphQLClient, token: str | None = None, **variables: object) -> list[str]:
    data = (await gql.execute(LIST, dict(variables), token=token)).ok()
    return [edge["node"]["sku"] for edge in data["products"]["edges"]]


async def test_product_by_id_returns_all_fields(gql: GraphQLClient, catalog: Catalog) -> None:
    phones = await catalog.category("Phones")
    created = await catalog.product("PH-1", "Phone One", price="199.99", stock=5, category=phones)

    product = (await gql.execute(PRODUCT, {"id": created["id"]})).ok()["product"]

    assert product["sku"] == "PH-1"
    assert product["price"] == "199.99"
    assert product["currency"] == "USD"
    assert product["category"] == {"id": phones["id"], "slug": "phones"}
    assert product["stock"]["available"] == 5
    assert product["stock"]["inStock"] is True


async def test_unknown_product_is_null(gql: GraphQLClient) -> None:
    result = await gql.execute(PRODUCT, {"id": str(uuid.uuid4())})
    assert result.ok() == {"product": None}


async def test_malformed_id_is_bad_user_input(gql: GraphQLClient) -> None:
    result = await gql.execute(PRODUCT, {"id": "not-a-uuid"})
    assert result.codes == ["BAD_USER_INPUT"]
    assert result.data == {"product": None}


async def test_product_by_sku_ignores_case(gql: GraphQLClient, catalog: Catalog) -> None:
    await catalog.product("LT-9", "Laptop")
    result = await gql.execute('{ productBySku(sku: "lt-9") { name } }')
    assert result.ok() == {"productBySku": {"name": "Laptop"}}


async def test_stock_counts_on_hand_only_for_admins(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    created = await catalog.product("PH-2", stock=3)
    query = "query($id: ID!) { product(id: $id) { stock { onHand available } } }"

    as_customer = await gql.execute(query, {"id": created["id"]}, token=tokens.customer)
    as_admin = await gql.execute(query, {"id": created["id"]}, token=tokens.admin)

    assert as_customer.codes == ["FORBIDDEN"]
    assert as_customer.data == {"product": {"stock": {"onHand": None, "available": 3}}}
    assert as_admin.ok()["product"]["stock"] == {"onHand": 3, "available": 3}


async def test_listing_pages_with_cursors_until_the_end(gql: GraphQLClient, catalog: Catalog) -> None:
    for index in range(5):
        await catalog.product(f"SKU-{index}", price=f"{index + 1}.00")

    first = (await gql.execute(LIST, {"sort": "PRICE_ASC", "first": 2})).ok()["products"]
    second = (
        await gql.execute(LIST, {"sort": "PRICE_ASC", "first": 2, "after": first["pageInfo"]["endCursor"]})
    ).ok()["products"]
    third = (
        await gql.execute(LIST, {"sort": "PRICE_ASC", "first": 2, "after": second["pageInfo"]["endCursor"]})
    ).ok()["products"]

    pages = [[edge["node"]["sku"] for edge in page["edges"]] for page in (first, second, third)]
    assert pages == [["SKU-0", "SKU-1"], ["SKU-2", "SKU-3"], ["SKU-4"]]
    assert [page["pageInfo"]["hasNextPage"] for page in (first, second, third)] == [True, True, False]
    assert first["pageInfo"]["hasPreviousPage"] is False
    assert first["totalCount"] == 5


async def test_page_size_above_the_maximum_is_refused(gql: GraphQLClient) -> None:
    result = await gql.execute(LIST, {"first": 101})
    assert result.codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["max"] == 100


async def test_a_foreign_cursor_is_refused(gql: GraphQLClient) -> None:
    result = await gql.execute(LIST, {"after": "bm90LWEtY3Vyc29y"})
    assert result.codes == ["BAD_USER_INPUT"]


async def test_a_cursor_from_another_sort_is_refused(gql: GraphQLClient, catalog: Catalog) -> None:
    await catalog.product("A-1")
    await catalog.product("A-2")
    page = (await gql.execute(LIST, {"sort": "PRICE_ASC", "first": 1})).ok()["products"]
    result = await gql.execute(LIST, {"sort": "NAME_ASC", "after": page["pageInfo"]["endCursor"]})
    assert result.codes == ["BAD_USER_INPUT"]


async def test_sort_by_price_descending_and_name(gql: GraphQLClient, catalog: Catalog) -> None:
    await catalog.product("B", "banana", price="3.00")
    await catalog.product("A", "Apple", price="5.00")
    await catalog.product("C", "cherry", price="1.00")

    assert await skus(gql, sort="PRICE_DESC") == ["A", "B", "C"]
    assert await skus(gql, sort="NAME_ASC") == ["A", "B", "C"]
    assert await skus(gql, sort="NAME_DESC") == ["C", "B", "A"]


async def test_newest_first_by_default(gql: GraphQLClient, catalog: Catalog) -> None:
    await catalog.product("OLD")
    await catalog.product("NEW")
    assert await skus(gql) == ["NEW", "OLD"]


async def test_filter_by_category_includes_descendants(gql: GraphQLClient, catalog: Catalog) -> None:
    audio = await catalog.category("Audio")
    headphones = await catalog.category("Headphones", parent=audio)
    other = await catalog.category("Books")
    await catalog.product("SPK", category=audio)
    await catalog.product("HP", category=headphones)
    await catalog.product("BK", category=other)

    with_descendants = await skus(gql, filter={"categoryId": audio["id"]}, sort="NAME_ASC")
    only_audio = await skus(gql, filter={"categorySlug": "audio", "includeSubcategories": False})

    assert with_descendants == ["HP", "SPK"]
    assert only_audio == ["SPK"]


async def test_filter_by_price_range_and_stock(gql: GraphQLClient, catalog: Catalog) -> None:
    await catalog.product("CHEAP", price="5.00", stock=1)
    await catalog.product("MID", price="50.00", stock=0)
    await catalog.product("DEAR", price="500.00", stock=2)

    assert await skus(gql, filter={"minPrice": "10", "maxPrice": "600"}, sort="PRICE_ASC") == ["MID", "DEAR"]
    assert await skus(gql, filter={"inStock": True}, sort="PRICE_ASC") == ["CHEAP", "DEAR"]
    assert await skus(gql, filter={"inStock": False}) == ["MID"]


async def test_inverted_price_range_is_bad_user_input(gql: GraphQLClient) -> None:
    result = await gql.execute(LIST, {"filter": {"minPrice": "10", "maxPrice": "1"}})
    assert result.codes == ["BAD_USER_INPUT"]


async def test_search_ranks_name_matches_above_description_matches(
    gql: GraphQLClient, catalog: Catalog
) -> None:
    await catalog.product("CASE", "Phone Case", description="Fits wireless headphones in a pocket")
    await catalog.product("HEAD", "Wireless Headphones", description="Noise cancelling")
    await catalog.product("KETTLE", "Kettle", description="Boils water")

    assert await skus(gql, filter={"search": "headphones"}) == ["HEAD", "CASE"]


async def test_search_finds_a_misspelt_word(gql: GraphQLClient, catalog: Catalog) -> None:
    await catalog.product("LAP", "Ultrabook Laptop 14")
    await catalog.product("HEAD", "Wireless Headphones")

    assert await skus(gql, filter={"search": "labtop"}) == ["LAP"]
    assert await skus(gql, filter={"search": "hedphones"}) == ["HEAD"]


async def test_search_results_page_by_relevance(gql: GraphQLClient, catalog: Catalog) -> None:
    for index in range(3):
        await catalog.product(f"LAMP-{index}", f"Desk Lamp {index}")
    first = (await gql.execute(LIST, {"filter": {"search": "lamp"}, "first": 2})).ok()["products"]
    rest = (
        await gql.execute(
            LIST, {"filter": {"search": "lamp"}, "first": 2, "after": first["pageInfo"]["endCursor"]}
        )
    ).ok()["products"]

    seen = [edge["node"]["sku"] for edge in first["edges"] + rest["edges"]]
    assert sorted(seen) == ["LAMP-0", "LAMP-1", "LAMP-2"]
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_inactive_products_are_hidden_from_customers(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    hidden = await catalog.product("HIDDEN", active=False)
    await catalog.product("SHOWN")

    assert await skus(gql) == ["SHOWN"]
    assert (await gql.execute(PRODUCT, {"id": hidden["id"]})).ok() == {"product": None}
    assert await skus(gql, tokens.admin, filter={"includeInactive": True}) == ["SHOWN", "HIDDEN"]


async def test_including_inactive_products_needs_an_admin(gql: GraphQLClient, tokens: Tokens) -> None:
    result = await gql.execute(LIST, {"filter": {"includeInactive": True}}, token=tokens.customer)
    assert result.codes == ["FORBIDDEN"]


async def test_a_forged_cursor_is_bad_user_input_not_a_crash(gql: GraphQLClient) -> None:
    forged = base64.urlsafe_b64encode(b'{"s":"newest","k":"2024-01-01T00:00:00+00:00","i":1}').decode()
    result = await gql.execute(LIST, {"after": forged})
    assert result.codes == ["BAD_USER_INPUT"]
