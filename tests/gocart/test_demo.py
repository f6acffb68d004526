"""How the dev banner tells the demo orders' statuses."""

from __future__ import annotations

from collections import Counter

from gocart.demo import describe_demo_orders


def test_the_demo_orders_are_told_by_status_most_common_first() -> None:
    statuses = Counter({"SHIPPED": 1, "PAID": 3, "PAYMENT_FAILED": 1})

    assert describe_demo_orders(statuses) == "5 demo orders: 3 paid, 1 shipped, 1 payment failed"


def test_one_demo_order_is_told_in_the_singular() -> None:
    assert describe_demo_orders(Counter({"PAID": 1})) == "1 demo order: 1 paid"
