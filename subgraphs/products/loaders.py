"""The products subgraph's per-request loaders."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from subgraphs.common.db import RequestSession
from subgraphs.common.loaders import CachedLoader
from subgraphs.products.caches import ProductCaches
from subgraphs.products.models import ProductRecord
from subgraphs.products.repositories import catalogue


class ProductLoaders:
    """`products`: by id through Redis then one SQL query for the misses (deleted products included)."""

    def __init__(self, db: RequestSession, caches: ProductCaches) -> None:
        async def fetch_products(ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ProductRecord]:
            async with db.use() as session:
                return await catalogue.get_products(session=session, ids=ids)

        self.products: CachedLoader[uuid.UUID, ProductRecord] = CachedLoader(caches.products, fetch_products)
