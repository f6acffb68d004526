"""Storefront flows through the router only, against the real subgraphs running as processes."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.storefront import Storefront
from tests.support.graphql import GraphQLClient
from tests.support.stack import Stack

ORDER_WITH_DETAILS = """
query($id: ID!) {
  order(id: $id) {
    number status total
    customer { id email firstName }
    items { quantity unitPrice product { name price category { slug } stock { available } } }
  }
}
"""
HISTORY = """
{ me { email orders { edges { node { number status items { quantity product { name } } } } } } }
"""
PRODUCT_STOCK = "query($id: ID!) { product(id: $id) { stock { available onHand } } }"


@pytest.fixture
def shop(router: GraphQLClient) -> Storefront:
    return Storefront(router)


async def test_browse_categories_and_search_with_a_misspelling(
    router: GraphQLClient, shop: Storefront
) -> None:
    admin = await shop.admin()
    tag = uuid.uuid4().hex[:6]
    audio = await shop.category(admin, f"Audio {tag}")
    await shop.product(admin, f"Wireless Headphones {tag}", category=audio["id"])

    browse = await router.execute(
        "query($slug: String!) { category(slug: $slug) { products { edges { node { name } } } } }",
        {"slug": audio["slug"]},
    )
    search = await router.execute(
        "query($q: String!) { products(filter: {search: $q}) { edges { node { name } } } }",
        {"q": f"hedphones {tag}"},
    )

    assert browse.ok()["category"]["products"]["edges"] == [{"node": {"name": f"Wireless Headphones {tag}"}}]
    assert {"node": {"name": f"Wireless Headphones {tag}"}} in search.ok()["products"]["edges"]


async def test_register_log_in_and_refresh(router: GraphQLClient, shop: Storefront) -> None:
    session = await shop.customer()

    refreshed = await router.execute(
        "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }",
        {"t": session.refresh_token},
    )
    me = await router.execute("{ me { id } }", token=refreshed.ok()["refreshToken"]["accessToken"])

    assert me.ok() == {"me": {"id": session.user_id}}


async def test_an_order_reads_back_with_its_customer_and_products_in_one_query(
    router: GraphQLClient, shop: Storefront
) -> None:
    admin, customer = await shop.admin(), await shop.customer()
    books = await shop.category(admin, f"Books {uuid.uuid4().hex[:6]}")
    novel = await shop.product(admin, "A Novel", price="12.50", stock=5, category=books["id"])
    lamp = await shop.product(admin, "A Lamp", price="40.00", stock=3)

    placed = (await shop.place_order(customer, (novel, 2), (lamp, 1), (novel, 1))).ok()["placeOrder"]
    read = (await router.execute(ORDER_WITH_DETAILS, {"id": placed["id"]}, token=customer.access_token)).ok()[
        "order"
    ]

    assert (placed["status"], placed["total"]) == ("PAID", "77.50")
    assert read["customer"]["id"] == customer.user_id
    assert read["customer"]["email"].startswith("shopper-")
    assert sorted((i["product"]["name"], i["quantity"], i["unitPrice"]) for i in read["items"]) == [
        ("A Lamp", 1, "40.00"),
        ("A Novel", 3, "12.50"),
    ]
    novel_line = next(i for i in read["items"] if i["product"]["name"] == "A Novel")
    assert novel_line["product"]["category"] == {"slug": books["slug"]}
    assert novel_line["product"]["stock"]["available"] == 2


async def test_order_history_comes_with_the_user(router: GraphQLClient, shop: Storefront) -> None:
    admin, customer = await shop.admin(), await shop.customer()
    kettle = await shop.product(admin, "A Kettle")
    (await shop.place_order(customer, (kettle, 1))).ok()
    (await shop.place_order(customer, (kettle, 2))).ok()

    history = (await router.execute(HISTORY, token=customer.access_token)).ok()["me"]["orders"]["edges"]

    assert [edge["node"]["items"][0]["quantity"] for edge in history] == [2, 1]
    assert all(edge["node"]["items"][0]["product"]["name"] == "A Kettle" for edge in history)


async def test_cancel_refunds_and_restocks(router: GraphQLClient, shop: Storefront) -> None:
    admin, customer = await shop.admin(), await shop.customer()
    chair = await shop.product(admin, "A Chair", stock=4)
    placed = (await shop.place_order(customer, (chair, 3))).ok()["placeOrder"]

    cancelled = await router.execute(
        'mutation($id: ID!) { cancelOrder(id: $id, reason: "changed my mind") { status payment { status } } }',
        {"id": placed["id"]},
        token=customer.access_token,
    )
    stock = await router.execute(PRODUCT_STOCK, {"id": chair["id"]}, token=admin.access_token)

    assert cancelled.ok()["cancelOrder"] == {"status": "CANCELLED", "payment": {"status": "REFUNDED"}}
    assert stock.ok()["product"]["stock"] == {"available": 4, "onHand": 4}


async def test_admin_restocks_and_ships(router: GraphQLClient, shop: Storefront) -> None:
    admin, customer = await shop.admin(), await shop.customer()
    desk = await shop.product(admin, "A Desk", stock=1)
    restock = "mutation($id: ID!) { restockProduct(id: $id, quantity: 5) { stock { onHand } } }"
    restocked = await router.execute(restock, {"id": desk["id"]}, token=admin.access_token)
    placed = (await shop.place_order(customer, (desk, 4))).ok()["placeOrder"]

    shipped = await router.execute(
        "mutation($id: ID!) { updateOrderStatus(id: $id, status: SHIPPED) { status history { to } } }",
        {"id": placed["id"]},
        token=admin.access_token,
    )

    assert restocked.ok()["restockProduct"]["stock"]["onHand"] == 6
    assert shipped.ok()["updateOrderStatus"]["status"] == "SHIPPED"
    assert [step["to"] for step in shipped.ok()["updateOrderStatus"]["history"]][-1] == "SHIPPED"


async def test_forbidden_and_unauthenticated_attempts_are_refused(
    router: GraphQLClient, shop: Storefront
) -> None:
    customer = await shop.customer()
    create = 'mutation { createProduct(input: {sku: "NOPE-1", name: "Nope", price: "1.00"}) { id } }'
    place = """mutation { placeOrder(input: {items: [], payment: {cardNumber: "4242424242424242"},
                                         idempotencyKey: "k"}) { id } }"""

    as_customer = await router.execute(create, token=customer.access_token)
    anonymous = await router.execute(place)
    forged = await router.execute("{ me { id } }", token=customer.access_token[:-4] + "AAAA")

    assert as_customer.codes == ["FORBIDDEN"]
    assert anonymous.codes == ["UNAUTHENTICATED"]
    assert forged.codes == ["UNAUTHENTICATED"]


async def test_a_refused_field_is_null_alone_and_the_rest_of_the_data_arrives(
    router: GraphQLClient, shop: Storefront
) -> None:
    customer = await shop.customer()
    query = "{ products(first: 1) { totalCount } orders(first: 1) { nodes { id } } users(first: 1) { totalCount } }"

    anonymous = await router.execute(query)
    as_customer = await router.execute(query, token=customer.access_token)

    assert anonymous.data is not None, anonymous.errors
    assert anonymous.data["products"]["totalCount"] >= 0
    assert (anonymous.data["orders"], anonymous.data["users"]) == (None, None)
    assert sorted((error["path"][0], error["extensions"]["code"]) for error in anonymous.errors) == [
        ("orders", "UNAUTHENTICATED"),
        ("users", "UNAUTHENTICATED"),
    ]
    assert as_customer.data["products"]["totalCount"] >= 0
    assert sorted(as_customer.codes) == ["FORBIDDEN", "FORBIDDEN"]


async def test_a_stopped_subgraph_gives_partial_data_and_a_clear_error(
    router: GraphQLClient, shop: Storefront, stack: Stack
) -> None:
    admin, customer = await shop.admin(), await shop.customer()
    mug = await shop.product(admin, "A Mug")
    (await shop.place_order(customer, (mug, 1))).ok()
    query = "{ me { email orders { edges { node { status items { quantity productName product { name } } } } } } }"

    stack.supervisor.stop_service("products")
    try:
        partial = await router.execute(query, token=customer.access_token)
    finally:
        stack.supervisor.restart_service("products")

    order = partial.data["me"]["orders"]["edges"][0]["node"]
    assert partial.data["me"]["email"].startswith("shopper-")
    assert order["status"] == "PAID"
    assert order["items"][0] == {"quantity": 1, "productName": "A Mug", "product": None}
    assert {error["extensions"].get("serviceName") for error in partial.errors} == {"products"}
