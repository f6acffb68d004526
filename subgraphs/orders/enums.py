"""The GraphQL enums of the orders subgraph: the domain enums themselves, registered with Strawberry."""

from __future__ import annotations

import strawberry

from subgraphs.orders.models import OrderStatus, PaymentFailure, PaymentMethod, PaymentStatus

strawberry.enum(
    OrderStatus,
    description=(
        "Where an order is: PENDING -> PAID -> SHIPPED -> DELIVERED; PAID (or PENDING) may become "
        "CANCELLED; PENDING becomes PAYMENT_FAILED when the payment does not go through."
    ),
)
strawberry.enum(PaymentMethod, description="How an order is paid.")
strawberry.enum(PaymentStatus, description="Where an order's payment is.")
strawberry.enum(PaymentFailure, name="PaymentFailureReason", description="Why a payment did not go through.")

__all__ = ["OrderStatus", "PaymentFailure", "PaymentMethod", "PaymentStatus"]
