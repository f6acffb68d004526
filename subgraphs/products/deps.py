"""What a products use case gets from its request, bound once (`ProductsContext.bind`): the session and
caller every subgraph has, plus the products caches and how long a reservation holds its stock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from subgraphs.common.use_cases import RequestDeps
from subgraphs.products.caches import ProductCaches

DEFAULT_RESERVATION_HOLD = timedelta(minutes=15)  # `reservation_ttl_seconds`' default


@dataclass(frozen=True)
class ProductsDeps(RequestDeps):
    caches: ProductCaches
    reservation_hold: timedelta = DEFAULT_RESERVATION_HOLD
