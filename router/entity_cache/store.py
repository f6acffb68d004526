"""The entity cache in Redis: entities and root-field data, each for the time its subgraph allowed.

Every lookup is one MGET (a batch of entities at once; a signed-in caller's private keys in the same
call; the lookups of fetches that run side by side in one, router/entity_cache/mget_batch.py), every
store one pipeline; a root fetch whose last answer was not storable is not looked up for a
while (router/entity_cache/uncacheable.py). Redis down is never the client's problem: lookups miss and
stores are skipped, one warning is logged per outage, the degraded gauge is set, and Redis is left alone for
`retry_seconds` (router/redis_outage.py) so an outage adds no timeout to every request.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from opentelemetry.trace import Tracer
from redis.asyncio import Redis
from redis.exceptions import RedisError

from router.entity_cache.keys import CacheKeys, entity_id
from router.entity_cache.mget_batch import LookupNotSent, MgetBatch
from router.entity_cache.policy import CachePolicy, Visibility
from router.entity_cache.scope import CacheScope
from router.entity_cache.uncacheable import UncacheableRoots
from router.metrics import RouterMetrics
from router.redis_outage import RedisOutage

logger = logging.getLogger(__name__)

SCAN_BATCH = 500


@dataclass(frozen=True, slots=True)
class Cached:
    """A value found, with what is left of its policy (the age it has left)."""

    value: Any
    policy: CachePolicy


@dataclass(frozen=True, slots=True)
class EntityRef:
    """One entity as one fetch asks for it: its type, identity (`keys.entity_id`) and `keys.variant`."""

    typename: str
    entity: str
    variant: str


class EntityCache:
    def __init__(
        self,
        redis: Redis,
        namespace: str,
        metrics: RouterMetrics,
        *,
        max_ttl_seconds: int,
        retry_seconds: float = 5.0,
        clock: Callable[[], float] = time.time,
        tracer: Tracer | None = None,
    ) -> None:
        self._redis = redis
        self._lookups = MgetBatch(redis, tracer)
        self.keys = CacheKeys(namespace)
        self._metrics = metrics
        self._max_ttl = max_ttl_seconds
        self._clock = clock  # wall clock: entries carry their expiry, read by every replica
        self.uncacheable_roots = UncacheableRoots(clock)
        self.outage = RedisOutage(
            retry_seconds,
            down="the entity cache is off until it answers",
            up="the entity cache is on again",
            on_change=lambda down: metrics.entity_cache_degraded.set(1 if down else 0),
            log=logger,
        )

    async def get_entities(
        self, subgraph: str, refs: Sequence[EntityRef], scope: CacheScope
    ) -> list[Cached | None]:
        """What is cached of each entity for this caller (its public and private scopes), in order."""
        scopes = scope.readable
        if not scopes or not refs:
            return [None] * len(refs)
        keys = [
            self.keys.entity(subgraph, ref.typename, ref.entity, ref.variant, scope_name)
            for ref in refs
            for scope_name in scopes
        ]
        stored = await self._mget(keys)
        found: list[Cached | None] = []
        for index, ref in enumerate(refs):
            values = stored[index * len(scopes) : (index + 1) * len(scopes)] if stored else ()
            entry = next((self._decode(value) for value in values if value is not None), None)
            self._count(subgraph, ref.typename, entry, stored is not None)
            found.append(entry)
        return found

    async def put_entities(
        self,
        subgraph: str,
        items: Sequence[tuple[EntityRef, Any]],
        policy: CachePolicy,
        scope: CacheScope,
    ) -> None:
        """Keep each entity for its policy's age, under the caller's scope of its kind (if it has one)."""
        scope_name = self._scope_for(policy, scope)
        if scope_name is None or not items or not self.outage.worth_trying():
            return
        ttl = min(policy.max_age, self._max_ttl)
        encoded = self._encode(policy, ttl)
        pipeline = self._redis.pipeline(transaction=False)
        for ref, value in items:
            key = self.keys.entity(subgraph, ref.typename, ref.entity, ref.variant, scope_name)
            index = self.keys.entity_index(subgraph, ref.typename, ref.entity)
            pipeline.set(key, encoded(value), ex=ttl)
            pipeline.sadd(index, key)
            pipeline.expire(index, self._max_ttl)
        await self._execute(pipeline)

    async def get_root(self, subgraph: str, variant: str, scope: CacheScope, label: str) -> Cached | None:
        """A root-field fetch's cached data for this caller; `label` is the metrics' type (`Query`)."""
        if not scope.readable:
            return None
        if self.uncacheable_roots.skip(subgraph, variant):
            self._count(subgraph, label, None, asked=False)
            return None
        stored = await self._mget([self.keys.root(subgraph, variant, name) for name in scope.readable])
        entry = next((self._decode(value) for value in stored or () if value is not None), None)
        self._count(subgraph, label, entry, stored is not None)
        return entry

    async def put_root(
        self, subgraph: str, variant: str, data: Any, policy: CachePolicy, scope: CacheScope
    ) -> None:
        self.uncacheable_roots.answered(subgraph, variant, storable=policy.storable)
        scope_name = self._scope_for(policy, scope)
        if scope_name is None or not self.outage.worth_trying():
            return
        ttl = min(policy.max_age, self._max_ttl)
        key = self.keys.root(subgraph, variant, scope_name)
        index = self.keys.root_index(subgraph)
        pipeline = self._redis.pipeline(transaction=False)
        pipeline.set(key, self._encode(policy, ttl)(data), ex=ttl)
        pipeline.sadd(index, key)
        pipeline.expire(index, self._max_ttl)
        await self._execute(pipeline)

    async def invalidate(self, subgraph: str, typename: str, key: Mapping[str, Any] | None) -> int:
        """Drop an entity (every selection and scope of it), or with no `key` every entity of the
        type, and every root-field entry of the subgraph (they may hold it); the number of keys
        dropped. Raises `RedisError` when Redis cannot answer: an invalidation must not pass unseen.

        An entity costs two SMEMBERS (its index and the subgraph's root entries' index) and one
        UNLINK; a type a SCAN of the keyspace too (rare: a catalogue import, a schema change). The
        root entries are found by their index, not by a SCAN, because every catalogue write and
        stock change drops them, and a SCAN walks the whole keyspace of a shared Redis."""
        doomed: list[str] = []
        if key is not None:
            index = self.keys.entity_index(subgraph, typename, entity_id(key))
            members = await self._redis.smembers(index)
            doomed += [_text(member) for member in members]
            doomed.append(index)
        else:
            for pattern in self.keys.type_patterns(subgraph, typename):
                doomed += [_text(found) async for found in self._redis.scan_iter(pattern, count=SCAN_BATCH)]
        roots = self.keys.root_index(subgraph)
        doomed += [_text(member) for member in await self._redis.smembers(roots)]
        doomed.append(roots)
        dropped = 0
        for start in range(0, len(doomed), SCAN_BATCH):
            dropped += int(await self._redis.unlink(*doomed[start : start + SCAN_BATCH]))
        return dropped

    def _scope_for(self, policy: CachePolicy, scope: CacheScope) -> str | None:
        if not policy.storable:
            return None
        return scope.private if policy.private else scope.public

    def _encode(self, policy: CachePolicy, ttl: int) -> Callable[[Any], bytes]:
        expires = self._clock() + ttl
        visibility = policy.visibility.value
        return lambda value: orjson.dumps({"v": value, "p": visibility, "x": expires})

    def _decode(self, stored: bytes) -> Cached | None:
        try:
            entry = orjson.loads(stored)
            left = max(0, math.floor(float(entry["x"]) - self._clock()))
            return Cached(entry["v"], CachePolicy(left, Visibility(entry["p"])))
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return None  # not ours (or from an older router): a miss, overwritten by the next store

    def _count(self, subgraph: str, typename: str, entry: Cached | None, asked: bool) -> None:
        outcome = "hit" if entry is not None else "miss" if asked else "skipped"
        self._metrics.entity_cache.labels(subgraph, typename, outcome).inc()

    async def _mget(self, keys: list[str]) -> list[bytes | None] | None:
        """The values (None where absent), or None when Redis is down or believed down."""
        if not self.outage.worth_trying():
            return None
        try:
            values = await self._lookups.mget(keys)
        except LookupNotSent:
            return None
        except (RedisError, OSError) as error:
            self.outage.failed(error)
            return None
        self.outage.succeeded()
        return values

    async def _execute(self, pipeline: Any) -> None:
        try:
            await pipeline.execute()
        except (RedisError, OSError) as error:
            self.outage.failed(error)
            return
        self.outage.succeeded()


def _text(value: bytes | str) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value
