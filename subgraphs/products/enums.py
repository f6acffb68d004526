"""The GraphQL enums of the products subgraph: the domain enums themselves, registered with Strawberry."""

from __future__ import annotations

import strawberry

from subgraphs.products.models import MovementKind, ReservationStatus
from subgraphs.products.search import ProductSort

strawberry.enum(
    ProductSort,
    description="How a product listing is ordered. RELEVANCE needs a search; without one it is NEWEST.",
)
strawberry.enum(MovementKind, name="StockMovementKind", description="Why a product's stock changed.")
strawberry.federation.enum(ReservationStatus, name="StockReservationStatus", inaccessible=True)

__all__ = ["MovementKind", "ProductSort", "ReservationStatus"]
