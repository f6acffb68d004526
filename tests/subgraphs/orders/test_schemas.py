"""The orders use cases' inputs, checked once: the cart merged and bounded, the key, the card, notes."""

from __future__ import annotations

import uuid

import pytest
import strawberry

from subgraphs.common.errors import BadUserInputError
from subgraphs.common.model_inputs import parse_input
from subgraphs.orders.inputs import OrderLineInput, PaymentInput, PlaceOrderInput
from subgraphs.orders.models import OrderStatus, PaymentMethod
from subgraphs.orders.payments import SUCCESS_CARD
from subgraphs.orders.products_answers import StockLine
from subgraphs.orders.schemas import OrderCancellation, OrderPlacement, StatusUpdate

MUG = uuid.UUID("00000000-0000-4000-8000-000000000001")
TEA = uuid.UUID("00000000-0000-4000-8000-000000000002")


def placing(*lines: tuple[object, int], key: str = "key-1", card: str = SUCCESS_CARD) -> PlaceOrderInput:
    return PlaceOrderInput(
        items=[
            OrderLineInput(product_id=strawberry.ID(str(product)), quantity=quantity)
            for product, quantity in lines
        ],
        payment=PaymentInput(card_number=card),
        idempotency_key=key,
    )


def refusal(source: PlaceOrderInput) -> BadUserInputError:
    with pytest.raises(BadUserInputError) as raised:
        parse_input(OrderPlacement, source)
    return raised.value


def test_lines_for_one_product_are_added_together_in_product_order() -> None:
    placement = parse_input(OrderPlacement, placing((TEA, 1), (MUG, 2), (TEA, 3)))

    assert placement.lines == [StockLine(MUG, 2), StockLine(TEA, 4)]


def test_the_key_is_trimmed_and_the_card_kept_by_its_last_digits() -> None:
    placement = parse_input(OrderPlacement, placing((MUG, 1), key="  key-2 "))

    assert placement.idempotency_key == "key-2"
    assert (placement.payment.method, placement.payment.card.last4) == (PaymentMethod.CARD, SUCCESS_CARD[-4:])


def test_an_empty_cart_is_refused_naming_items() -> None:
    error = refusal(placing())

    assert (error.message, error.extensions["field"]) == ("An order needs at least one item.", "items")


def test_a_malformed_product_id_names_product_id() -> None:
    error = refusal(placing(("not-an-id", 1)))

    assert (error.message, error.extensions["field"]) == ("productId is not a valid id.", "productId")


def test_too_much_of_one_product_across_lines_is_refused() -> None:
    error = refusal(placing((MUG, 600), (MUG, 600)))

    assert error.message == "At most 1000 of one product per order."
    assert error.extensions["productId"] == str(MUG)


def test_the_cart_is_checked_before_the_key_and_the_key_before_the_card() -> None:
    assert refusal(placing((MUG, 0), key=" ", card="1")).extensions["field"] == "quantity"
    assert refusal(placing((MUG, 1), key=" ", card="1")).extensions["field"] == "idempotencyKey"
    assert refusal(placing((MUG, 1), card="1")).extensions["field"] == "payment.cardNumber"


def test_a_cancellation_without_a_reason_says_cancelled() -> None:
    cancellation = parse_input(OrderCancellation, order_id=str(MUG), reason=None)

    assert (cancellation.order_id, cancellation.reason) == (MUG, "cancelled")


def test_a_reason_too_long_is_refused_naming_reason() -> None:
    with pytest.raises(BadUserInputError) as raised:
        parse_input(OrderCancellation, order_id=str(MUG), reason="x" * 501)

    assert raised.value.extensions["field"] == "reason"


def test_a_status_update_may_not_cancel() -> None:
    with pytest.raises(BadUserInputError) as raised:
        parse_input(StatusUpdate, order_id=str(MUG), status=OrderStatus.CANCELLED, note=None)

    assert raised.value.message == "updateOrderStatus sets SHIPPED or DELIVERED; use cancelOrder to cancel."


def test_a_status_update_keeps_its_note_trimmed() -> None:
    update = parse_input(StatusUpdate, order_id=str(MUG), status=OrderStatus.SHIPPED, note="  by post ")

    assert (update.status, update.note) == (OrderStatus.SHIPPED, "by post")
