"""cancelOrder: who may cancel what, the simulated refund, and the stock going back to products."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.common.auth import Role
from subgraphs.orders.context import OrdersResources
from tests.subgraphs.orders.shop import CANCEL_ORDER, UPDATE_STATUS, Shop, placed, stock_task
from tests.support.graphql import GraphQLClient
from tests.support.tokens import Tokens


async def cancel(
    gql: GraphQLClient, token: str, order: dict[str, str], reason: str | None = None
) -> dict[str, object]:
    result = await gql.execute(CANCEL_ORDER, {"id": order["id"], "reason": reason}, token=token)
    cancelled: dict[str, object] = result.ok()["cancelOrder"]
    return cancelled


async def test_the_customer_cancels_a_paid_order_and_is_refunded(
    gql: GraphQLClient, shop: Shop, tokens: Tokens, own: OrdersResources
) -> None:
    mug = await shop.product("CX-1", price="5.00", stock=5)
    order = await placed(gql, tokens.customer, (mug, 2))

    cancelled = await cancel(gql, tokens.customer, order, "changed my mind")

    assert cancelled["status"] == "CANCELLED"
    payment = cancelled["payment"]
    assert isinstance(payment, dict)
    assert payment["status"] == "REFUNDED"
    assert payment["refundId"].startswith("sim_re_")
    history = cancelled["history"]
    assert isinstance(history, list)
    assert (history[-1]["from"], history[-1]["to"], history[-1]["by"], history[-1]["note"]) == (
        "PAID",
        "CANCELLED",
        "customer-1",
        "changed my mind",
    )
    assert [(e.kind, str(e.amount)) for e in own.payments.ledger] == [
        ("charge", "10.00"),
        ("refund", "10.00"),
    ]


async def test_cancelling_a_paid_order_restocks_the_product(
    gql: GraphQLClient, shop: Shop, tokens: Tokens, orders_engine: AsyncEngine
) -> None:
    mug = await shop.product("CX-3", stock=5)
    order = await placed(gql, tokens.customer, (mug, 2))
    assert (await shop.stock_of(mug))["onHand"] == 3

    await cancel(gql, tokens.customer, order)

    assert await shop.stock_of(mug) == {"onHand": 5, "reserved": 0, "available": 5}
    assert await stock_task(orders_engine, order["id"]) is None  # nothing left owed


async def test_an_admin_may_cancel_anyones_paid_order(gql: GraphQLClient, shop: Shop, tokens: Tokens) -> None:
    mug = await shop.product("CX-4", stock=5)
    order = await placed(gql, tokens.customer, (mug, 1))

    cancelled = await cancel(gql, tokens.admin, order, "fraud check")

    assert cancelled["status"] == "CANCELLED"


async def test_another_customer_cannot_cancel_my_order(
    gql: GraphQLClient, shop: Shop, tokens: Tokens
) -> None:
    mug = await shop.product("CX-5", stock=5)
    order = await placed(gql, tokens.customer, (mug, 1))

    result = await gql.execute(
        CANCEL_ORDER, {"id": order["id"]}, token=tokens.for_role(Role.CUSTOMER, "mallory")
    )

    assert result.codes == ["NOT_FOUND"]


async def test_a_shipped_order_cannot_be_cancelled(gql: GraphQLClient, shop: Shop, tokens: Tokens) -> None:
    mug = await shop.product("CX-6", stock=5)
    order = await placed(gql, tokens.customer, (mug, 1))
    (await gql.execute(UPDATE_STATUS, {"id": order["id"], "status": "SHIPPED"}, token=tokens.admin)).ok()

    as_customer = await gql.execute(CANCEL_ORDER, {"id": order["id"]}, token=tokens.customer)
    as_admin = await gql.execute(CANCEL_ORDER, {"id": order["id"]}, token=tokens.admin)

    assert (as_customer.codes, as_admin.codes) == (["CONFLICT"], ["CONFLICT"])


async def test_a_failed_order_cannot_be_cancelled(gql: GraphQLClient, shop: Shop, tokens: Tokens) -> None:
    mug = await shop.product("CX-7", stock=5)
    order = await placed(gql, tokens.customer, (mug, 1), card="4000000000009995")

    result = await gql.execute(CANCEL_ORDER, {"id": order["id"]}, token=tokens.customer)

    assert result.codes == ["CONFLICT"]


async def test_cancelling_twice_is_refused_and_refunds_once(
    gql: GraphQLClient, shop: Shop, tokens: Tokens, own: OrdersResources
) -> None:
    mug = await shop.product("CX-8", stock=5)
    order = await placed(gql, tokens.customer, (mug, 1))
    await cancel(gql, tokens.customer, order)

    again = await gql.execute(CANCEL_ORDER, {"id": order["id"]}, token=tokens.customer)

    assert again.codes == ["CONFLICT"]
    assert [e.kind for e in own.payments.ledger] == ["charge", "refund"]


async def test_cancelling_needs_a_signed_in_caller(gql: GraphQLClient, shop: Shop, tokens: Tokens) -> None:
    mug = await shop.product("CX-9", stock=5)
    order = await placed(gql, tokens.customer, (mug, 1))

    result = await gql.execute(CANCEL_ORDER, {"id": order["id"]})

    assert result.codes == ["UNAUTHENTICATED"]
