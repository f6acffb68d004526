"""The orders subgraph's per-request loaders."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from aiodataloader import DataLoader

from subgraphs.common.db import RequestSession
from subgraphs.common.loaders import CachedLoader
from subgraphs.orders import repository
from subgraphs.orders.caches import OrderCaches
from subgraphs.orders.models import OrderRecord
from subgraphs.orders.search import CustomerPage
from subgraphs.orders.services.queries import OrderPage, customer_pages


class CustomerPages:
    """`User.orders` for every user of a response: the pages asked for in one tick cost one SQL query.

    Not cached in Redis: a listing changes with every order its customer places, and its orders are
    read through `orders` (Redis first) anyway.
    """

    def __init__(self, db: RequestSession) -> None:
        self._db = db
        self._loader = DataLoader(batch_load_fn=self._batch_load)

    async def load(self, page: CustomerPage) -> OrderPage:
        loaded: OrderPage = await self._loader.load(page)
        return loaded

    async def _batch_load(self, pages: list[CustomerPage]) -> list[OrderPage]:
        async with self._db.use() as session:
            return await customer_pages(session=session, pages=pages)


class OrderLoaders:
    """`orders`: by id through Redis, then three SQL queries (orders, items, history) for the misses;
    `customer_pages`: users' order listings, one query for all of a response's users."""

    def __init__(self, db: RequestSession, caches: OrderCaches) -> None:
        async def fetch_orders(ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, OrderRecord]:
            async with db.use() as session:
                return await repository.get_orders(session=session, ids=ids)

        self.orders: CachedLoader[uuid.UUID, OrderRecord] = CachedLoader(caches.orders, fetch_orders)
        self.customer_pages = CustomerPages(db)
