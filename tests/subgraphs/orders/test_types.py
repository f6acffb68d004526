"""An order's Strawberry objects: made once per kept record and shared by every request that reads it
(`EntityCache.view`), so they must hold nothing a request could change in place."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

from subgraphs.common.decoded import MUTABLE_CONTAINERS
from subgraphs.orders.models import (
    OrderItemRecord,
    OrderRecord,
    OrderStatus,
    PaymentMethod,
    PaymentRecord,
    PaymentStatus,
    StatusChangeRecord,
)
from subgraphs.orders.types import Order


def _record() -> OrderRecord:
    now = datetime.now(UTC)
    return OrderRecord(
        id=uuid.uuid4(),
        number="GC-100001",
        customer_id="customer-1",
        request_hash="hash",
        status=OrderStatus.PAID,
        currency="EUR",
        subtotal=Decimal("2.00"),
        total=Decimal("2.00"),
        items=(
            OrderItemRecord(
                product_id=uuid.uuid4(),
                product_name="Mug",
                quantity=2,
                unit_price=Decimal("1.00"),
                line_total=Decimal("2.00"),
            ),
        ),
        payment=PaymentRecord(method=PaymentMethod.CARD, status=PaymentStatus.SUCCEEDED, card_last4="4242"),
        history=(
            StatusChangeRecord(
                from_status=None, to_status=OrderStatus.PAID, actor="customer-1", note="", created_at=now
            ),
        ),
        created_at=now,
        updated_at=now,
    )


def _changeable_parts(value: object, path: str) -> Iterator[str]:
    """Where, below `value`, a container that can change in place sits (the ones the decoded records
    may not hold either)."""
    if isinstance(value, MUTABLE_CONTAINERS):
        yield path
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from _changeable_parts(item, f"{path}[{index}]")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _changeable_parts(getattr(value, field.name), f"{path}.{field.name}")


def test_an_orders_objects_hold_no_list_dict_or_set() -> None:
    order = Order.from_record(_record())

    assert list(_changeable_parts(order, "order")) == []


def test_an_orders_objects_carry_every_item_and_change_of_its_record() -> None:
    record = _record()

    order = Order.from_record(record)

    assert [item.product_name for item in order.items] == ["Mug"]
    assert [change.to for change in order.history] == [OrderStatus.PAID]
