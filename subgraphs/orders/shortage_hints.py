"""What products said a moment ago about stock that ran short, so a burst of checkouts for a sold-out
product is answered OUT_OF_STOCK here instead of each one asking products again.

Only products' own OUT_OF_STOCK answers to `reserveStock` are remembered (never a cached read), each for
`ttl_seconds` (a second by default). A line asking for more than the remembered availability is refused
as products would refuse it. The price of the shortcut: a unit given back within that second (a failed
payment, a cancel) goes to the first checkout after the second is over, as if it had come back a moment
later; it is never sold twice, since only products' guarded reservation ever sells.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

MAX_REMEMBERED = 10_000


class Line(Protocol):
    @property
    def product_id(self) -> uuid.UUID: ...

    @property
    def quantity(self) -> int: ...


@dataclass(frozen=True)
class _Hint:
    available: int
    until: float


class ShortageHints:
    def __init__(self, *, ttl_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._hints: dict[uuid.UUID, _Hint] = {}

    def remember(self, items: Iterable[Mapping[str, Any]]) -> None:
        """Products' OUT_OF_STOCK items (`productId`, `available`), as it answered them just now."""
        if self._ttl <= 0:
            return
        now = self._clock()
        if len(self._hints) >= MAX_REMEMBERED:
            self._hints = {pid: hint for pid, hint in self._hints.items() if hint.until > now}
        for item in items:
            available = item.get("available")
            if isinstance(available, int):
                self._hints[uuid.UUID(str(item["productId"]))] = _Hint(available, now + self._ttl)

    def shortages(self, lines: Sequence[Line]) -> list[dict[str, Any]]:
        """The lines products said it cannot cover a moment ago, as its OUT_OF_STOCK items."""
        now = self._clock()
        short: list[dict[str, Any]] = []
        for line in lines:
            hint = self._hints.get(line.product_id)
            if hint is not None and hint.until > now and line.quantity > hint.available:
                short.append(
                    {
                        "productId": str(line.product_id),
                        "requested": line.quantity,
                        "available": hint.available,
                    }
                )
        return short
