"""The products subgraph's Redis caches: products by id, and the whole category tree."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from redis.asyncio import Redis

from subgraphs.common.decoded import DecodedByKind
from subgraphs.common.loaders import CacheObserver, EntityCache
from subgraphs.common.settings import SubgraphSettings
from subgraphs.products.models import CategoryTreeSnapshot, ProductRecord

TREE_KEY = "all"


@dataclass(frozen=True)
class ProductCaches:
    products: EntityCache[uuid.UUID, ProductRecord]
    category_tree: EntityCache[str, CategoryTreeSnapshot]

    @classmethod
    def create(
        cls,
        redis: Redis,
        settings: SubgraphSettings,
        observer: CacheObserver | None = None,
        decoded: DecodedByKind | None = None,
    ) -> ProductCaches:
        """The caches; given the app's `decoded`, products are kept decoded for later requests (the
        category tree keeps its own last decoded snapshot, `services/categories.py`)."""
        namespace = f"{settings.cache_namespace}:products"
        return cls(
            products=EntityCache(
                redis,
                namespace=namespace,
                kind="product",
                model=ProductRecord,
                ttl_seconds=settings.cache_ttl_seconds,
                observer=observer,
                decoded=decoded,
            ),
            category_tree=EntityCache(
                redis,
                namespace=namespace,
                kind="category-tree",
                model=CategoryTreeSnapshot,
                ttl_seconds=settings.cache_ttl_seconds,
                observer=observer,
            ),
        )

    async def forget_products(self, ids: list[uuid.UUID]) -> None:
        await self.products.invalidate(ids)

    async def forget_category_tree(self) -> None:
        await self.category_tree.invalidate([TREE_KEY])
