"""The simulated payment: each test card's outcome, and what a failed payment does to the order."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from subgraphs.common.errors import BadUserInputError
from subgraphs.orders.context import OrdersResources
from subgraphs.orders.models import PaymentMethod
from subgraphs.orders.payments import (
    DECLINED_CARD,
    INSUFFICIENT_FUNDS_CARD,
    PROCESSOR_ERROR_CARD,
    SUCCESS_CARD,
    PaymentSimulator,
    parse_card,
)
from tests.subgraphs.orders.shop import Shop, placed
from tests.support.graphql import GraphQLClient
from tests.support.tokens import Tokens


@pytest.mark.parametrize(
    ("card", "reason"),
    [
        (DECLINED_CARD, "CARD_DECLINED"),
        (INSUFFICIENT_FUNDS_CARD, "INSUFFICIENT_FUNDS"),
        (PROCESSOR_ERROR_CARD, "PROCESSOR_ERROR"),
    ],
)
async def test_a_failed_payment_fails_the_order_with_its_reason(
    gql: GraphQLClient, shop: Shop, tokens: Tokens, card: str, reason: str
) -> None:
    mug = await shop.product("PAY-1", stock=3)

    order = await placed(gql, tokens.customer, (mug, 2), card=card)

    assert order["status"] == "PAYMENT_FAILED"
    assert order["payment"]["status"] == "FAILED"
    assert order["payment"]["failureReason"] == reason
    assert order["history"][-1]["from"] == "PENDING"
    assert order["history"][-1]["to"] == "PAYMENT_FAILED"


async def test_a_failed_payment_gives_the_held_stock_back(
    gql: GraphQLClient, shop: Shop, tokens: Tokens
) -> None:
    mug = await shop.product("PAY-2", stock=3)

    await placed(gql, tokens.customer, (mug, 2), card=DECLINED_CARD)

    assert await shop.stock_of(mug) == {"onHand": 3, "reserved": 0, "available": 3}


async def test_a_successful_payment_is_charged_once_for_the_total(
    gql: GraphQLClient, shop: Shop, tokens: Tokens, own: OrdersResources
) -> None:
    mug = await shop.product("PAY-3", price="7.25", stock=3)

    order = await placed(gql, tokens.customer, (mug, 2))

    assert [(e.kind, str(e.order_id), e.amount, e.currency) for e in own.payments.ledger] == [
        ("charge", order["id"], Decimal("14.50"), "USD")
    ]
    assert own.payments.ledger[0].reference == order["payment"]["transactionId"]


async def test_the_transaction_id_is_derived_from_the_order() -> None:
    simulator = PaymentSimulator()
    order_id = uuid.uuid4()
    card = parse_card(PaymentMethod.CARD, SUCCESS_CARD)

    first = await simulator.charge(order_id=order_id, amount=Decimal(1), currency="USD", card=card)
    second = await simulator.charge(order_id=order_id, amount=Decimal(1), currency="USD", card=card)

    assert first == second
    assert first.succeeded


def test_any_other_valid_card_number_succeeds() -> None:
    card = parse_card(PaymentMethod.CARD, "5555 5555 5555 4444")
    assert card.last4 == "4444"


@pytest.mark.parametrize("number", ["", "4242", "4242-4242-4242-4241", "abcd efgh ijkl mnop", "4" * 20])
def test_numbers_that_cannot_be_cards_are_bad_input(number: str) -> None:
    with pytest.raises(BadUserInputError):
        parse_card(PaymentMethod.CARD, number)
