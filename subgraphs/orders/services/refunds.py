"""Refunding the payment of an order being cancelled (by its customer, an admin, or a sale products
could no longer make)."""

from __future__ import annotations

from typing import Any

from subgraphs.orders.models import OrderRecord, PaymentStatus
from subgraphs.orders.payments import PaymentSimulator


async def refund_if_paid(payments: PaymentSimulator, order: OrderRecord) -> dict[str, Any]:
    """Refund the order's charge if it went through; the order's payment columns that change (none
    when nothing was charged)."""
    if order.payment.status is not PaymentStatus.SUCCEEDED or not order.payment.transaction_id:
        return {}
    refund_id = await payments.refund(
        order_id=order.id,
        transaction_id=order.payment.transaction_id,
        amount=order.total,
        currency=order.currency,
    )
    return {"payment_status": PaymentStatus.REFUNDED.value, "refund_id": refund_id}
