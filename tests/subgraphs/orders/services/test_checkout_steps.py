"""Checkout's steps that need no server: pricing the cart, and what makes a retry the same checkout."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import strawberry

from subgraphs.common.errors import BadUserInputError, ConflictError, NotFoundError
from subgraphs.common.model_inputs import parse_input
from subgraphs.orders.inputs import OrderLineInput, PaymentInput, PlaceOrderInput
from subgraphs.orders.models import OrderRecord, OrderStatus, PaymentMethod, PaymentRecord, PaymentStatus
from subgraphs.orders.payments import DECLINED_CARD, SUCCESS_CARD
from subgraphs.orders.products_answers import ProductSnapshot
from subgraphs.orders.schemas import OrderPlacement
from subgraphs.orders.services.checkout import fingerprint, price_lines, replay

MUG = uuid.UUID("00000000-0000-4000-8000-000000000001")
TEA = uuid.UUID("00000000-0000-4000-8000-000000000002")


def placement(*lines: tuple[uuid.UUID, int], card: str = SUCCESS_CARD) -> OrderPlacement:
    source = PlaceOrderInput(
        items=[
            OrderLineInput(product_id=strawberry.ID(str(product)), quantity=quantity)
            for product, quantity in lines
        ],
        payment=PaymentInput(card_number=card),
        idempotency_key="key-1",
    )
    return parse_input(OrderPlacement, source)


def snapshot(
    product_id: uuid.UUID, price: str, *, currency: str = "EUR", active: bool = True
) -> ProductSnapshot:
    return ProductSnapshot(
        id=product_id,
        name=f"product {product_id.int}",
        price=Decimal(price),
        currency=currency,
        active=active,
        deleted_at=None,
        available=10,
    )


def test_lines_are_priced_to_the_cent() -> None:
    items = price_lines(placement((MUG, 3)), {MUG: snapshot(MUG, "2.499")})

    assert [(item.unit_price, item.line_total) for item in items] == [(Decimal("2.50"), Decimal("7.50"))]


def test_a_product_not_for_sale_is_not_found_with_the_line() -> None:
    with pytest.raises(NotFoundError) as raised:
        price_lines(
            placement((MUG, 1), (TEA, 2)), {MUG: snapshot(MUG, "1"), TEA: snapshot(TEA, "1", active=False)}
        )

    assert raised.value.extensions["items"] == [{"productId": str(TEA), "requested": 2, "available": None}]


def test_a_cart_in_two_currencies_is_refused() -> None:
    snapshots = {MUG: snapshot(MUG, "1"), TEA: snapshot(TEA, "1", currency="USD")}

    with pytest.raises(BadUserInputError, match="one currency"):
        price_lines(placement((MUG, 1), (TEA, 1)), snapshots)


def test_the_same_cart_and_card_make_the_same_fingerprint_however_the_lines_are_sent() -> None:
    assert fingerprint(placement((MUG, 1), (TEA, 1), (MUG, 1))) == fingerprint(placement((TEA, 1), (MUG, 2)))


def test_another_card_makes_another_fingerprint() -> None:
    assert fingerprint(placement((MUG, 1))) != fingerprint(placement((MUG, 1), card=DECLINED_CARD))


def test_replaying_a_key_for_another_cart_is_a_conflict() -> None:
    earlier = _order(request_hash=fingerprint(placement((MUG, 1))))

    assert replay(earlier, earlier.request_hash) is earlier
    with pytest.raises(ConflictError):
        replay(earlier, fingerprint(placement((MUG, 2))))


def _order(*, request_hash: str) -> OrderRecord:
    now = datetime.now(UTC)
    return OrderRecord(
        id=uuid.uuid4(),
        number="GC-100001",
        customer_id="customer-1",
        request_hash=request_hash,
        status=OrderStatus.PAID,
        currency="EUR",
        subtotal=Decimal("1.00"),
        total=Decimal("1.00"),
        items=[],
        payment=PaymentRecord(
            method=PaymentMethod.CARD,
            status=PaymentStatus.SUCCEEDED,
            card_last4="4242",
            transaction_id="tx",
            failure_reason=None,
            refund_id=None,
        ),
        history=[],
        created_at=now,
        updated_at=now,
    )
