"""The per-request context of the orders subgraph: loaders, caches, the products client, payments; it
binds them, with the request's session and caller, into the `OrdersDeps` its use cases take."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.app import base_context_kwargs
from subgraphs.common.auth import Caller
from subgraphs.common.context import AppResources, SubgraphContext
from subgraphs.common.use_cases import UseCaseRunner
from subgraphs.orders.caches import OrderCaches
from subgraphs.orders.deps import OrdersDeps
from subgraphs.orders.loaders import OrderLoaders
from subgraphs.orders.payments import PaymentSimulator
from subgraphs.orders.products_client import ProductsClient
from subgraphs.orders.webhooks.loaders import DeliveryPages


@dataclass(frozen=True)
class OrdersResources:
    """What the orders app owns besides the shared resources (see `main.py`'s lifespan)."""

    products: ProductsClient
    payments: PaymentSimulator


class OrdersContext(SubgraphContext, UseCaseRunner[OrdersDeps]):
    def __init__(
        self, *, resources: AppResources, orders: OrdersResources, caller: Caller, request_id: str
    ) -> None:
        super().__init__(resources=resources, caller=caller, request_id=request_id)
        self.caches = OrderCaches.create(
            resources.redis, resources.settings, resources.metrics, resources.decoded
        )
        self.loaders = OrderLoaders(self.db, self.caches)
        self.products = orders.products
        self.payments = orders.payments
        self.webhook_deliveries = DeliveryPages(self.db, caller)

    def bind(self, session: AsyncSession) -> OrdersDeps:
        return OrdersDeps(
            session=session,
            caller=self.caller,
            caches=self.caches,
            products=self.products,
            payments=self.payments,
        )


def context_factory(resources: AppResources, request: Request) -> OrdersContext:
    return OrdersContext(orders=request.app.state.orders, **base_context_kwargs(resources, request))
