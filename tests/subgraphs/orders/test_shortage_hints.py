"""Shortage hints: products' OUT_OF_STOCK answer refuses further checkouts here for a moment."""

from __future__ import annotations

import uuid

from subgraphs.orders.products_answers import StockLine
from subgraphs.orders.shortage_hints import ShortageHints

HOT = uuid.uuid4()
OTHER = uuid.uuid4()


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def told(hints: ShortageHints, available: int) -> None:
    hints.remember([{"productId": str(HOT), "requested": available + 1, "available": available}])


def test_a_line_asking_more_than_products_said_is_available_is_refused() -> None:
    hints = ShortageHints(ttl_seconds=1.0, clock=Clock())
    told(hints, 2)

    assert hints.shortages([StockLine(HOT, 3), StockLine(OTHER, 5)]) == [
        {"productId": str(HOT), "requested": 3, "available": 2}
    ]


def test_a_line_within_what_products_said_is_available_is_left_to_products() -> None:
    hints = ShortageHints(ttl_seconds=1.0, clock=Clock())
    told(hints, 2)

    assert hints.shortages([StockLine(HOT, 2)]) == []


def test_a_hint_is_forgotten_after_its_time() -> None:
    clock = Clock()
    hints = ShortageHints(ttl_seconds=1.0, clock=clock)
    told(hints, 0)
    clock.now += 1.0

    assert hints.shortages([StockLine(HOT, 1)]) == []


def test_no_hint_is_kept_when_turned_off() -> None:
    hints = ShortageHints(ttl_seconds=0, clock=Clock())
    told(hints, 0)

    assert hints.shortages([StockLine(HOT, 1)]) == []


def test_an_item_without_a_known_availability_is_not_remembered() -> None:
    hints = ShortageHints(ttl_seconds=1.0, clock=Clock())
    hints.remember([{"productId": str(HOT), "requested": 1, "available": None}])

    assert hints.shortages([StockLine(HOT, 1)]) == []
