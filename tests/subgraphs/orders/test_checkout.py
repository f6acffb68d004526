"""placeOrder's happy path and its refusals: an order is priced by products, its stock held then sold."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.subgraphs.orders.shop import Shop, place, placed
from tests.support.graphql import GraphQLClient
from tests.support.tokens import Tokens


async def order_count(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT count(*) FROM orders.orders"))).scalar_one())


async def test_a_paid_order_sells_the_stock_at_the_current_prices(
    gql: GraphQLClient, shop: Shop, tokens: Tokens
) -> None:
    mug = await shop.product("MUG-1", "Mug", price="12.50", stock=10)
    tee = await shop.product("TEE-1", "Tee", price="20.00", stock=5)

    order = await placed(gql, tokens.customer, (mug, 2), (tee, 1))

    assert order["status"] == "PAID"
    assert re.fullmatch(r"GC-\d{6,}", order["number"])
    assert order["customer"] == {"id": "customer-1"}
    assert (order["subtotal"], order["total"], order["currency"]) == ("45.00", "45.00", "USD")
    assert sorted(
        (item["productName"], item["quantity"], item["unitPrice"], item["lineTotal"])
        for item in order["items"]
    ) == [("Mug", 2, "12.50", "25.00"), ("Tee", 1, "20.00", "20.00")]
    assert order["payment"]["status"] == "SUCCEEDED"
    assert order["payment"]["cardLast4"] == "4242"
    assert order["payment"]["transactionId"].startswith("sim_ch_")
    assert await shop.stock_of(mug) == {"onHand": 8, "reserved": 0, "available": 8}
    assert await shop.stock_of(tee) == {"onHand": 4, "reserved": 0, "available": 4}


async def test_the_history_records_placing_and_paying(gql: GraphQLClient, shop: Shop, tokens: Tokens) -> None:
    mug = await shop.product("MUG-2", stock=1)

    order = await placed(gql, tokens.customer, (mug, 1))

    assert [(h["from"], h["to"], h["by"], h["note"]) for h in order["history"]] == [
        (None, "PENDING", "customer-1", "order placed"),
        ("PENDING", "PAID", "system", "payment succeeded"),
    ]


async def test_duplicate_lines_are_merged(gql: GraphQLClient, shop: Shop, tokens: Tokens) -> None:
    mug = await shop.product("MUG-3", price="3.00", stock=10)

    order = await placed(gql, tokens.customer, (mug, 2), (mug, 3))

    assert [(item["product"]["id"], item["quantity"], item["lineTotal"]) for item in order["items"]] == [
        (mug["id"], 5, "15.00")
    ]
    assert (await shop.stock_of(mug))["onHand"] == 5


async def test_an_order_keeps_the_price_it_was_placed_at(
    gql: GraphQLClient, shop: Shop, tokens: Tokens
) -> None:
    mug = await shop.product("MUG-4", price="10.00", stock=10)
    order = await placed(gql, tokens.customer, (mug, 1))

    await shop.set_price(mug, "99.00")
    again = (
        await gql.execute(
            "query($id: ID!) { order(id: $id) { items { unitPrice } total } }",
            {"id": order["id"]},
            token=tokens.customer,
        )
    ).ok()

    assert again["order"] == {"items": [{"unitPrice": "10.00"}], "total": "10.00"}
    later = await placed(gql, tokens.customer, (mug, 1))
    assert Decimal(later["total"]) == Decimal("99.00")


async def test_not_enough_stock_is_out_of_stock_and_leaves_no_order(
    gql: GraphQLClient, shop: Shop, tokens: Tokens, orders_engine: AsyncEngine
) -> None:
    plenty = await shop.product("OOS-A", stock=10)
    scarce = await shop.product("OOS-B", stock=1)

    result = await place(gql, tokens.customer, (plenty, 1), (scarce, 2))

    assert result.codes == ["OUT_OF_STOCK"]
    assert result.errors[0]["extensions"]["items"] == [
        {"productId": scarce["id"], "requested": 2, "available": 1}
    ]
    assert await order_count(orders_engine) == 0
    assert (await shop.stock_of(plenty))["reserved"] == 0


async def test_an_unknown_product_is_not_found_and_leaves_no_order(
    gql: GraphQLClient, shop: Shop, tokens: Tokens, orders_engine: AsyncEngine
) -> None:
    ghost = {"id": str(uuid.uuid4())}

    result = await place(gql, tokens.customer, (ghost, 1))

    assert result.codes == ["NOT_FOUND"]
    assert result.errors[0]["extensions"]["items"][0]["productId"] == ghost["id"]
    assert await order_count(orders_engine) == 0


async def test_an_inactive_product_cannot_be_ordered(
    gql: GraphQLClient, shop: Shop, tokens: Tokens, orders_engine: AsyncEngine
) -> None:
    hidden = await shop.product("OFF-1", stock=5, active=False)

    result = await place(gql, tokens.customer, (hidden, 1))

    assert result.codes == ["NOT_FOUND"]
    assert await order_count(orders_engine) == 0


async def test_quantities_must_be_positive(gql: GraphQLClient, shop: Shop, tokens: Tokens) -> None:
    mug = await shop.product("MUG-5", stock=5)

    result = await place(gql, tokens.customer, (mug, 0))

    assert result.codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == "quantity"


async def test_an_empty_cart_is_refused(gql: GraphQLClient, shop: Shop, tokens: Tokens) -> None:
    result = await place(gql, tokens.customer)
    assert result.codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == "items"


async def test_a_malformed_card_number_is_refused_before_anything_is_held(
    gql: GraphQLClient, shop: Shop, tokens: Tokens, orders_engine: AsyncEngine
) -> None:
    mug = await shop.product("MUG-6", stock=5)

    result = await place(gql, tokens.customer, (mug, 1), card="4242424242424241")

    assert result.codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == "payment.cardNumber"
    assert await order_count(orders_engine) == 0
    assert (await shop.stock_of(mug))["reserved"] == 0


async def test_a_blank_idempotency_key_is_refused(gql: GraphQLClient, shop: Shop, tokens: Tokens) -> None:
    mug = await shop.product("MUG-7", stock=5)
    result = await place(gql, tokens.customer, (mug, 1), key="   ")
    assert result.codes == ["BAD_USER_INPUT"]


async def test_placing_an_order_needs_a_signed_in_customer(
    gql: GraphQLClient, shop: Shop, tokens: Tokens
) -> None:
    mug = await shop.product("MUG-8", stock=5)

    anonymous = await gql.execute(
        "mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }",
        {
            "i": {
                "items": [{"productId": mug["id"], "quantity": 1}],
                "payment": {"cardNumber": "4242424242424242"},
                "idempotencyKey": "k",
            }
        },
    )
    as_admin = await place(gql, tokens.admin, (mug, 1))

    assert (anonymous.codes, as_admin.codes) == (["UNAUTHENTICATED"], ["FORBIDDEN"])
    assert (await shop.stock_of(mug))["reserved"] == 0


async def test_a_deleted_product_cannot_be_ordered(gql: GraphQLClient, shop: Shop, tokens: Tokens) -> None:
    gone = await shop.product("DEL-1", stock=5)
    delete = "mutation($id: ID!) { deleteProduct(id: $id) { id } }"
    (await shop.gql.execute(delete, {"id": gone["id"]}, token=tokens.admin)).ok()

    result = await place(gql, tokens.customer, (gone, 1))

    assert result.codes == ["NOT_FOUND"]


async def test_items_priced_in_two_currencies_are_refused(
    gql: GraphQLClient, shop: Shop, tokens: Tokens
) -> None:
    dollars = await shop.product("CUR-USD", stock=5)
    create = "mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }"
    euros = (
        await shop.gql.execute(
            create,
            {
                "input": {
                    "sku": "CUR-EUR",
                    "name": "Euro thing",
                    "price": "1.00",
                    "currency": "EUR",
                    "initialStock": 5,
                }
            },
            token=tokens.admin,
        )
    ).ok()["createProduct"]

    result = await place(gql, tokens.customer, (dollars, 1), (euros, 1))

    assert result.codes == ["BAD_USER_INPUT"]
    assert (await shop.stock_of(dollars))["reserved"] == 0
