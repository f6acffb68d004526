"""The orders subgraph's per-request loaders."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from subgraphs.common.db import RequestSession
from subgraphs.common.loaders import CachedLoader
from subgraphs.orders import repository
from subgraphs.orders.caches import OrderCaches
from subgraphs.orders.models import OrderRecord


class OrderLoaders:
    """`orders`: by id through Redis, then three SQL queries (orders, items, history) for the misses."""

    def __init__(self, db: RequestSession, caches: OrderCaches) -> None:
        async def fetch_orders(ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, OrderRecord]:
            async with db.use() as session:
                return await repository.get_orders(session=session, ids=ids)

        self.orders: CachedLoader[uuid.UUID, OrderRecord] = CachedLoader(caches.orders, fetch_orders)
