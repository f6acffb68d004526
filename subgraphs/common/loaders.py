"""Per-request dataloaders backed by a Redis cache.

A request asks for entities one by one (`_entities`, `category`, `product`...); a loader collects the
ids asked for in one tick and answers them with one Redis MGET and, for the misses only, one SQL query
(`WHERE id = ANY(...)`), then writes what it found back with a TTL. Values are in the order asked, None
for unknown ids. Writes call `EntityCache.invalidate` in the code path that commits them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from typing import Generic, Protocol, TypeVar

import structlog
from aiodataloader import DataLoader
from pydantic import BaseModel
from redis.asyncio import Redis
from redis.exceptions import RedisError

from subgraphs.common.decoded import DecodedByKind

K = TypeVar("K", bound=Hashable)
V = TypeVar("V", bound=BaseModel)
View = TypeVar("View")

log = structlog.get_logger(__name__)

FetchMany = Callable[[Sequence[K]], Awaitable[Mapping[K, V]]]


class CacheObserver(Protocol):
    """Told what the caches and loaders do, for the metrics (`SubgraphMetrics`)."""

    def count_cache_lookups(self, kind: str, *, hits: int, misses: int) -> None: ...

    def observe_batch(self, kind: str, size: int) -> None: ...


class EntityCache(Generic[K, V]):
    """The Redis cache of one entity type, stored as the model's JSON under `<namespace>:<kind>:<id>`.

    Redis trouble never fails a request: reads then miss and writes are skipped, and it is logged.
    Given the app's `decoded` (its model then frozen), values are kept decoded by their bytes
    (`subgraphs/common/decoded.py`): the entities every request reads are validated once per process,
    not once per read.
    """

    def __init__(
        self,
        redis: Redis,
        *,
        namespace: str,
        kind: str,
        model: type[V],
        ttl_seconds: int,
        observer: CacheObserver | None = None,
        decoded: DecodedByKind | None = None,
    ) -> None:
        self._redis = redis
        self.kind = kind
        self.observer = observer
        self._prefix = f"{namespace}:{kind}:"
        self._model = model
        self._ttl = ttl_seconds
        self._decoded = decoded.of(self._prefix, model) if decoded is not None else None

    def view(self, value: V, make: Callable[[V], View]) -> View:
        """`make(value)`, made once per process for a value this app keeps decoded (a read-only view
        every request shares, `subgraphs/common/decoded.py`), else made afresh."""
        if self._decoded is None:
            return make(value)
        return self._decoded.view(value, make)

    def key(self, entity_id: K) -> str:
        return f"{self._prefix}{entity_id}"

    async def get_many(self, ids: Sequence[K]) -> list[V | None]:
        """One MGET; a value that no longer decodes counts as a miss."""
        try:
            raw = await self._redis.mget([self.key(i) for i in ids])
        except RedisError as error:
            log.warning("cache.read_failed", prefix=self._prefix, error=str(error))
            return [None] * len(ids)
        decode = self._decoded.decoded if self._decoded is not None else self._model.model_validate_json
        values: list[V | None] = []
        for item in raw:
            try:
                values.append(decode(item) if item is not None else None)
            except ValueError:
                values.append(None)
        if self.observer is not None:
            misses = values.count(None)
            self.observer.count_cache_lookups(self.kind, hits=len(values) - misses, misses=misses)
        return values

    async def get_raw(self, entity_id: K) -> bytes | str | None:
        """One GET, the value's JSON as stored (None on a miss or Redis trouble), for a caller that
        keeps what it decoded last and skips decoding the same bytes again."""
        try:
            raw: bytes | str | None = await self._redis.get(self.key(entity_id))
        except RedisError as error:
            log.warning("cache.read_failed", prefix=self._prefix, error=str(error))
            return None
        return raw

    async def put_many(self, values: Mapping[K, V]) -> None:
        """SET with a TTL for each value, in one round trip."""
        if not values:
            return
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for entity_id, value in values.items():
                    pipe.set(self.key(entity_id), value.model_dump_json(), ex=self._ttl)
                await pipe.execute()
        except RedisError as error:
            log.warning("cache.write_failed", prefix=self._prefix, error=str(error))

    async def invalidate(self, ids: Sequence[K]) -> None:
        """Drop cached values after a write; a failure is logged (the TTL bounds the staleness)."""
        if not ids:
            return
        try:
            await self._redis.delete(*[self.key(i) for i in ids])
        except RedisError as error:
            log.error(
                "cache.invalidate_failed", prefix=self._prefix, ids=[str(i) for i in ids], error=str(error)
            )


class CachedLoader(Generic[K, V]):
    """A per-request loader: batches and de-duplicates ids, reads through the Redis cache to SQL."""

    def __init__(self, cache: EntityCache[K, V], fetch_many: FetchMany[K, V]) -> None:
        self._cache = cache
        self._fetch_many = fetch_many
        self._loader = DataLoader(batch_load_fn=self._batch_load)

    async def load(self, entity_id: K) -> V | None:
        value: V | None = await self._loader.load(entity_id)
        return value

    async def load_many(self, ids: Sequence[K]) -> list[V | None]:
        values: list[V | None] = await self._loader.load_many(list(ids))
        return values

    def prime(self, entity_id: K, value: V) -> None:
        """Remember a value this request already has (e.g. just written), without a lookup."""
        self._loader.clear(entity_id).prime(entity_id, value)

    async def _batch_load(self, ids: list[K]) -> list[V | None]:
        if self._cache.observer is not None:
            self._cache.observer.observe_batch(self._cache.kind, len(ids))
        cached = await self._cache.get_many(ids)
        misses = [entity_id for entity_id, value in zip(ids, cached, strict=True) if value is None]
        found: Mapping[K, V] = await self._fetch_many(misses) if misses else {}
        await self._cache.put_many(found)
        return [
            value if value is not None else found.get(entity_id)
            for entity_id, value in zip(ids, cached, strict=True)
        ]
