"""The orders subgraph's Redis cache: orders by id (items, payment and history included)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from redis.asyncio import Redis

from subgraphs.common.decoded import DecodedByKind
from subgraphs.common.loaders import CacheObserver, EntityCache
from subgraphs.common.settings import SubgraphSettings
from subgraphs.orders.models import OrderRecord


@dataclass(frozen=True)
class OrderCaches:
    orders: EntityCache[uuid.UUID, OrderRecord]

    @classmethod
    def create(
        cls,
        redis: Redis,
        settings: SubgraphSettings,
        observer: CacheObserver | None = None,
        decoded: DecodedByKind | None = None,
    ) -> OrderCaches:
        """The caches; given the app's `decoded`, their values are kept decoded for later requests."""
        return cls(
            orders=EntityCache(
                redis,
                namespace=f"{settings.cache_namespace}:orders",
                kind="order",
                model=OrderRecord,
                ttl_seconds=settings.cache_ttl_seconds,
                observer=observer,
                decoded=decoded,
            )
        )

    async def forget_orders(self, ids: Sequence[uuid.UUID]) -> None:
        await self.orders.invalidate(list(ids))
