"""GraphQL inputs of the orders subgraph."""

from __future__ import annotations

from datetime import datetime

import strawberry

from subgraphs.orders.enums import OrderStatus, PaymentMethod
from subgraphs.orders.search import OrderSearch


@strawberry.input(description="One line of a cart; lines for the same product are added together.")
class OrderLineInput:
    product_id: strawberry.ID
    quantity: int = strawberry.field(description="1 to 1000.")


@strawberry.input(description="How to pay. Test card numbers choose the simulated outcome (docs/orders.md).")
class PaymentInput:
    card_number: str
    method: PaymentMethod = PaymentMethod.CARD


@strawberry.input
class PlaceOrderInput:
    items: list[OrderLineInput]
    payment: PaymentInput
    idempotency_key: str = strawberry.field(
        description=(
            "Chosen by the client per checkout (a UUID, say) and repeated on retries: the same key "
            "returns the same order and never charges twice."
        )
    )


@strawberry.input(description="Which orders a listing shows; every condition given must hold.")
class OrderFilter:
    status: OrderStatus | None = None
    customer_id: strawberry.ID | None = None
    created_after: datetime | None = strawberry.field(default=None, description="Inclusive.")
    created_before: datetime | None = strawberry.field(default=None, description="Exclusive.")

    def to_search(self) -> OrderSearch:
        return OrderSearch(
            customer_id=str(self.customer_id) if self.customer_id is not None else None,
            status=self.status,
            created_after=self.created_after,
            created_before=self.created_before,
        )
