"""The users subgraph's Redis cache of accounts by id (never holding password hashes)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from redis.asyncio import Redis

from subgraphs.common.decoded import DecodedByKind
from subgraphs.common.loaders import CacheObserver, EntityCache
from subgraphs.common.settings import SubgraphSettings
from subgraphs.users.models import UserRecord


@dataclass(frozen=True)
class UserCaches:
    users: EntityCache[uuid.UUID, UserRecord]

    @classmethod
    def create(
        cls,
        redis: Redis,
        settings: SubgraphSettings,
        observer: CacheObserver | None = None,
        decoded: DecodedByKind | None = None,
    ) -> UserCaches:
        """The caches; given the app's `decoded`, their values are kept decoded for later requests."""
        return cls(
            users=EntityCache(
                redis,
                namespace=f"{settings.cache_namespace}:users",
                kind="user",
                model=UserRecord,
                ttl_seconds=settings.cache_ttl_seconds,
                observer=observer,
                decoded=decoded,
            )
        )
