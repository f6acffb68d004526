"""The Redis-backed loader: batching, order, misses, write-back with a TTL, invalidation, Redis outages."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from typing import TypeVar

import pytest
from pydantic import BaseModel
from redis.asyncio import Redis

from subgraphs.common.decoded import DecodedByKind
from subgraphs.common.loaders import CachedLoader, EntityCache
from subgraphs.common.redis import create_redis


class Thing(BaseModel):
    id: uuid.UUID
    name: str


class FrozenThing(BaseModel, frozen=True):
    id: uuid.UUID
    name: str


class ThingStore:
    """A stand-in for the SQL side: records every batch it is asked for."""

    def __init__(self, things: Sequence[Thing]) -> None:
        self.things = {thing.id: thing for thing in things}
        self.batches: list[list[uuid.UUID]] = []

    async def fetch_many(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Thing]:
        self.batches.append(list(ids))
        return {i: self.things[i] for i in ids if i in self.things}


@pytest.fixture
def things() -> list[Thing]:
    return [Thing(id=uuid.uuid4(), name=f"thing {n}") for n in range(5)]


Model = TypeVar("Model", Thing, FrozenThing)


def entity_cache(
    redis: Redis, cache_namespace: str, model: type[Model], decoded: DecodedByKind | None = None
) -> EntityCache[uuid.UUID, Model]:
    """A cache of `model` under a namespace of its own."""
    return EntityCache(
        redis,
        namespace=f"{cache_namespace}:{uuid.uuid4().hex[:6]}",
        kind=model.__name__.lower(),
        model=model,
        ttl_seconds=60,
        decoded=decoded,
    )


@pytest.fixture
def cache(redis: Redis, cache_namespace: str) -> EntityCache[uuid.UUID, Thing]:
    return entity_cache(redis, cache_namespace, Thing)


async def test_loads_in_one_tick_are_one_batch_in_order(
    cache: EntityCache[uuid.UUID, Thing], things: list[Thing]
) -> None:
    store = ThingStore(things)
    loader = CachedLoader(cache, store.fetch_many)
    unknown = uuid.uuid4()

    loaded = list(
        await asyncio.gather(loader.load(things[3].id), loader.load(unknown), loader.load(things[0].id))
    )

    assert loaded == [things[3], None, things[0]]
    assert len(store.batches) == 1


async def test_found_values_are_cached_with_a_ttl(
    cache: EntityCache[uuid.UUID, Thing], things: list[Thing], redis: Redis
) -> None:
    await CachedLoader(cache, ThingStore(things).fetch_many).load(things[0].id)

    ttl = await redis.ttl(cache.key(things[0].id))

    assert 0 < ttl <= 60


async def test_a_second_request_reads_only_the_misses(
    cache: EntityCache[uuid.UUID, Thing], things: list[Thing]
) -> None:
    await CachedLoader(cache, ThingStore(things).fetch_many).load_many([things[0].id, things[1].id])
    store = ThingStore(things)

    loaded = await CachedLoader(cache, store.fetch_many).load_many([t.id for t in things[:3]])

    assert loaded == things[:3]
    assert store.batches == [[things[2].id]]


async def test_invalidate_forces_a_fresh_read(
    cache: EntityCache[uuid.UUID, Thing], things: list[Thing]
) -> None:
    await CachedLoader(cache, ThingStore(things).fetch_many).load(things[0].id)
    renamed = things[0].model_copy(update={"name": "renamed"})
    store = ThingStore([renamed])

    await cache.invalidate([things[0].id])

    assert await CachedLoader(cache, store.fetch_many).load(things[0].id) == renamed


async def test_an_undecodable_cached_value_counts_as_a_miss(
    cache: EntityCache[uuid.UUID, Thing], things: list[Thing], redis: Redis
) -> None:
    await redis.set(cache.key(things[0].id), b"{not json")
    store = ThingStore(things)

    assert await CachedLoader(cache, store.fetch_many).load(things[0].id) == things[0]
    assert store.batches == [[things[0].id]]


async def test_an_unreachable_redis_falls_back_to_the_store(things: list[Thing]) -> None:
    dead = create_redis("redis://127.0.0.1:1/0")
    cache: EntityCache[uuid.UUID, Thing] = EntityCache(
        dead, namespace="x", kind="thing", model=Thing, ttl_seconds=60
    )
    store = ThingStore(things)
    try:
        assert await CachedLoader(cache, store.fetch_many).load(things[1].id) == things[1]
        await cache.invalidate([things[1].id])  # logged, not raised
    finally:
        await dead.aclose()


@pytest.fixture
def frozen_cache(redis: Redis, cache_namespace: str) -> EntityCache[uuid.UUID, FrozenThing]:
    """A cache whose values are kept decoded, as an app's are."""
    return entity_cache(redis, cache_namespace, FrozenThing, DecodedByKind())


async def test_a_frozen_value_read_again_from_the_same_bytes_is_the_value_decoded_before(
    frozen_cache: EntityCache[uuid.UUID, FrozenThing],
) -> None:
    thing = FrozenThing(id=uuid.uuid4(), name="lamp")
    await frozen_cache.put_many({thing.id: thing})

    (first,) = await frozen_cache.get_many([thing.id])
    (second,) = await frozen_cache.get_many([thing.id])

    assert first == thing
    assert second is first


async def test_a_kept_decoded_value_is_never_served_for_changed_bytes(
    frozen_cache: EntityCache[uuid.UUID, FrozenThing],
) -> None:
    thing = FrozenThing(id=uuid.uuid4(), name="lamp")
    await frozen_cache.put_many({thing.id: thing})
    await frozen_cache.get_many([thing.id])

    renamed = thing.model_copy(update={"name": "desk lamp"})
    await frozen_cache.put_many({thing.id: renamed})

    assert await frozen_cache.get_many([thing.id]) == [renamed]


async def test_values_are_decoded_on_every_read_without_the_apps_kept_values(
    cache: EntityCache[uuid.UUID, Thing], things: list[Thing]
) -> None:
    await cache.put_many({things[0].id: things[0]})

    (first,) = await cache.get_many([things[0].id])
    (second,) = await cache.get_many([things[0].id])

    assert first == second == things[0]
    assert second is not first


def test_only_a_frozen_models_values_are_kept(redis: Redis) -> None:
    with pytest.raises(TypeError, match="can change"):
        EntityCache(redis, namespace="n", kind="thing", model=Thing, ttl_seconds=60, decoded=DecodedByKind())


def _names(value: Thing | FrozenThing) -> list[str]:
    """A view of a value: what a subgraph builds from a record for its response."""
    return [value.name]


async def test_a_view_of_a_value_kept_decoded_is_shared_by_later_reads(
    frozen_cache: EntityCache[uuid.UUID, FrozenThing],
) -> None:
    thing = FrozenThing(id=uuid.uuid4(), name="lamp")
    await frozen_cache.put_many({thing.id: thing})

    views = []
    for _ in range(2):
        (read,) = await frozen_cache.get_many([thing.id])
        assert read is not None
        views.append(frozen_cache.view(read, _names))

    assert views[0] == ["lamp"]
    assert views[1] is views[0]


async def test_a_view_is_made_per_read_without_the_apps_kept_values(
    cache: EntityCache[uuid.UUID, Thing], things: list[Thing]
) -> None:
    await cache.put_many({things[0].id: things[0]})

    (first,) = await cache.get_many([things[0].id])
    (second,) = await cache.get_many([things[0].id])
    assert first is not None
    assert second is not None

    assert cache.view(first, _names) is not cache.view(second, _names)
