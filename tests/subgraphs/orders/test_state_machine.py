"""The order status state machine: legal moves, refused ones with a clear error, and the history."""

from __future__ import annotations

import itertools

import pytest

from subgraphs.common.errors import IllegalTransitionError
from subgraphs.orders.models import OrderStatus
from subgraphs.orders.services.lifecycle import TRANSITIONS, check_transition
from tests.subgraphs.orders.shop import UPDATE_STATUS, Shop, placed
from tests.support.graphql import GraphQLClient
from tests.support.tokens import Tokens

LEGAL = {
    (OrderStatus.PENDING, OrderStatus.PAID),
    (OrderStatus.PENDING, OrderStatus.PAYMENT_FAILED),
    (OrderStatus.PENDING, OrderStatus.CANCELLED),
    (OrderStatus.PAID, OrderStatus.SHIPPED),
    (OrderStatus.PAID, OrderStatus.CANCELLED),
    (OrderStatus.SHIPPED, OrderStatus.DELIVERED),
}


def test_the_transition_table_is_exactly_the_documented_machine() -> None:
    assert {(current, target) for current, targets in TRANSITIONS.items() for target in targets} == LEGAL


@pytest.mark.parametrize(
    ("current", "target"),
    [pair for pair in itertools.product(OrderStatus, OrderStatus) if pair not in LEGAL],
)
def test_every_other_transition_is_refused(current: OrderStatus, target: OrderStatus) -> None:
    with pytest.raises(IllegalTransitionError) as refused:
        check_transition(current, target)
    assert refused.value.extensions["code"] == "CONFLICT"
    assert refused.value.extensions["currentStatus"] == current.name


async def ship(
    gql: GraphQLClient, tokens: Tokens, order: dict[str, str], status: str, note: str | None = None
) -> dict[str, object]:
    result = await gql.execute(
        UPDATE_STATUS, {"id": order["id"], "status": status, "note": note}, token=tokens.admin
    )
    updated: dict[str, object] = result.ok()["updateOrderStatus"]
    return updated


async def test_an_admin_ships_then_delivers_a_paid_order(
    gql: GraphQLClient, shop: Shop, tokens: Tokens
) -> None:
    mug = await shop.product("SM-1", stock=5)
    order = await placed(gql, tokens.customer, (mug, 1))

    await ship(gql, tokens, order, "SHIPPED", "DHL 123")
    delivered = await ship(gql, tokens, order, "DELIVERED")

    assert delivered["status"] == "DELIVERED"
    history = delivered["history"]
    assert isinstance(history, list)
    assert [(h["from"], h["to"], h["by"], h["note"]) for h in history][2:] == [
        ("PAID", "SHIPPED", "admin-1", "DHL 123"),
        ("SHIPPED", "DELIVERED", "admin-1", ""),
    ]
    assert all(h["at"] for h in history)


async def test_delivering_an_order_that_has_not_shipped_is_refused(
    gql: GraphQLClient, shop: Shop, tokens: Tokens
) -> None:
    mug = await shop.product("SM-2", stock=5)
    order = await placed(gql, tokens.customer, (mug, 1))

    result = await gql.execute(UPDATE_STATUS, {"id": order["id"], "status": "DELIVERED"}, token=tokens.admin)

    assert result.codes == ["CONFLICT"]
    assert result.errors[0]["message"] == "An order that is PAID cannot become DELIVERED."
    assert result.errors[0]["extensions"]["allowedStatuses"] == ["CANCELLED", "SHIPPED"]


async def test_a_failed_order_cannot_be_shipped(gql: GraphQLClient, shop: Shop, tokens: Tokens) -> None:
    mug = await shop.product("SM-3", stock=5)
    order = await placed(gql, tokens.customer, (mug, 1), card="4000000000000002")

    result = await gql.execute(UPDATE_STATUS, {"id": order["id"], "status": "SHIPPED"}, token=tokens.admin)

    assert result.codes == ["CONFLICT"]


async def test_update_status_only_moves_along_fulfilment(
    gql: GraphQLClient, shop: Shop, tokens: Tokens
) -> None:
    mug = await shop.product("SM-4", stock=5)
    order = await placed(gql, tokens.customer, (mug, 1))

    result = await gql.execute(UPDATE_STATUS, {"id": order["id"], "status": "CANCELLED"}, token=tokens.admin)

    assert result.codes == ["BAD_USER_INPUT"]


async def test_customers_cannot_change_an_order_status(
    gql: GraphQLClient, shop: Shop, tokens: Tokens
) -> None:
    mug = await shop.product("SM-5", stock=5)
    order = await placed(gql, tokens.customer, (mug, 1))

    result = await gql.execute(UPDATE_STATUS, {"id": order["id"], "status": "SHIPPED"}, token=tokens.customer)

    assert result.codes == ["FORBIDDEN"]


async def test_updating_an_unknown_order_is_not_found(gql: GraphQLClient, tokens: Tokens, shop: Shop) -> None:
    result = await gql.execute(
        UPDATE_STATUS, {"id": "8f6f4bb4-6a1b-4a53-a4f1-1e0d5e3c2b10", "status": "SHIPPED"}, token=tokens.admin
    )
    assert result.codes == ["NOT_FOUND"]
