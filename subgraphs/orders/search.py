"""What an order listing asks for: its conditions and its keyset position.

Plain values beside the models, so resolvers, services and the repository share them without the upper
layers importing SQL code.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from subgraphs.orders.models import OrderStatus

# A listing's keyset position: creation time, then id (newest first).
OrderKey = tuple[datetime, uuid.UUID]


@dataclass(frozen=True)
class OrderSearch:
    """Which orders a listing shows; every condition given must hold."""

    customer_id: str | None = None
    status: OrderStatus | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


@dataclass(frozen=True)
class CustomerPage:
    """One page of one customer's orders, as `User.orders` asks for it (checked): `size` orders after
    `after`, newest first; hashable, so a loader can take many at once."""

    customer_id: str
    status: OrderStatus | None
    size: int
    after: OrderKey | None
    cursor_given: bool  # `after` was sent (even empty): the page says it has a previous one
