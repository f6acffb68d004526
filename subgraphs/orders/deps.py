"""What the orders use cases are given, bound once per request (see `subgraphs/common/use_cases.py`):
the session and caller, the order caches, the products client and the payment processor."""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.common.use_cases import RequestDeps
from subgraphs.orders.caches import OrderCaches
from subgraphs.orders.payments import PaymentSimulator
from subgraphs.orders.products_client import ProductsClient


@dataclass(frozen=True)
class Refunds:
    """What cancelling a paid order products can no longer sell needs (a stock task's own shape, as the
    background worker has no request): the payment processor to refund it, and the cache to drop it
    from."""

    payments: PaymentSimulator
    caches: OrderCaches


@dataclass(frozen=True)
class OrdersDeps(RequestDeps):
    """One request's dependencies for the orders use cases."""

    caches: OrderCaches
    products: ProductsClient
    payments: PaymentSimulator

    @property
    def refunds(self) -> Refunds:
        return Refunds(self.payments, self.caches)
