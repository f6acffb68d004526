"""The entity cache in execution, with the tests' real Redis: a warm cache calls no subgraph for what
it holds, a partial hit sends only the missing entities, private data never crosses callers, TTLs
come from the subgraphs' Cache-Control, invalidation shows on the next request, and Redis down means
no caching, never an error."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from redis.asyncio import Redis

from router.entity_cache import CachePolicy, EntityCache, Visibility, scope_of
from router.entity_cache.uncacheable import RECHECK_SECONDS
from router.executor.execute import Execution
from router.executor.upstream import UpstreamClient
from router.gateway import Gateway, GraphQLRequest
from router.metrics import RouterMetrics
from router.supergraph import parse_supergraph
from tests.router.cache_control_subgraphs import (
    Backend,
    cache_control_apps,
    cache_control_supergraph,
)
from tests.router.executor.counting_fetcher import CountingFetcher
from tests.router.servers import serving

NAMES_AND_STOCK = "{ products { id name stock } }"
NOTES = "{ products { id note } }"


@pytest.fixture(scope="module")
def backend() -> Backend:
    return Backend()


@pytest.fixture(scope="module")
def urls(backend: Backend) -> Iterator[dict[str, str]]:
    with serving(cache_control_apps(backend)) as served:
        yield served


@pytest.fixture
def fetcher(upstream: UpstreamClient, backend: Backend) -> CountingFetcher:
    backend.reset()
    return CountingFetcher(upstream)


@pytest.fixture
def namespace(cache_namespace: str) -> str:
    return f"{cache_namespace}:{uuid.uuid4().hex[:8]}"


@pytest.fixture
def metrics() -> RouterMetrics:
    return RouterMetrics()


@pytest.fixture
def entity_cache(redis: Redis, namespace: str, metrics: RouterMetrics) -> EntityCache:
    return EntityCache(redis, namespace, metrics, max_ttl_seconds=600)


def gateway_for(urls: dict[str, str], fetcher: CountingFetcher, cache: EntityCache | None) -> Gateway:
    return Gateway(parse_supergraph(cache_control_supergraph(urls)), fetcher, urls, entity_cache=cache)


@pytest.fixture
def gateway(urls: dict[str, str], fetcher: CountingFetcher, entity_cache: EntityCache) -> Gateway:
    return gateway_for(urls, fetcher, entity_cache)


@pytest.fixture
def gateway_with_cache(
    urls: dict[str, str], fetcher: CountingFetcher, redis: Redis, namespace: str, metrics: RouterMetrics
) -> Callable[..., Gateway]:
    """A gateway whose entity cache takes these settings (`max_ttl_seconds`, `clock`...)."""

    def build(**settings: Any) -> Gateway:
        return gateway_for(urls, fetcher, EntityCache(redis, namespace, metrics, **settings))

    return build


async def run(
    gateway: Gateway, query: str, subject: str | None = None, role: str | None = "customer"
) -> Execution:
    """Run `query` as the router would for a caller it verified (`subject` of `role`), or an
    anonymous one; with `role` None, a signed-in caller the router could not verify."""
    prepared = gateway.prepare(query, None)
    headers = {"authorization": f"Bearer {subject}"} if subject is not None else {}
    scope = scope_of(signed_in=subject is not None, subject=subject, role=role)
    return await gateway.run(prepared, GraphQLRequest(query), {}, headers, scope)


def requests_to(fetcher: CountingFetcher, subgraph: str) -> list[dict[str, Any]]:
    return [variables for service, variables in fetcher.requests if service == subgraph]


def sent_ids(fetcher: CountingFetcher) -> list[list[str]]:
    return [[item["id"] for item in variables["representations"]] for _, variables in fetcher.sent]


async def keys_of(redis: Redis, namespace: str, kind: str) -> list[str]:
    return [key.decode() async for key in redis.scan_iter(match=f"{namespace}:entity-cache:{kind}:*")]


async def test_a_warm_cache_makes_no_subgraph_call(gateway: Gateway, fetcher: CountingFetcher) -> None:
    cold = await run(gateway, NAMES_AND_STOCK)
    fetcher.requests.clear()
    warm = await run(gateway, NAMES_AND_STOCK)
    assert fetcher.requests == []
    assert warm.response == cold.response
    assert warm.response["data"]["products"][1] == {"id": "p2", "name": "name of p2", "stock": 20}


async def test_a_warm_entity_cache_sends_no_representation_for_cached_entities(
    gateway: Gateway, fetcher: CountingFetcher, backend: Backend
) -> None:
    backend.catalog_policy = "no-store"  # the list is asked for every time; its entities are cached
    await run(gateway, NAMES_AND_STOCK)
    fetcher.sent.clear()
    fetcher.requests.clear()
    answer = await run(gateway, NAMES_AND_STOCK)
    assert len(requests_to(fetcher, "catalog")) == 1
    assert fetcher.sent == []
    assert [item["stock"] for item in answer.response["data"]["products"]] == [10, 20]


async def test_a_partial_hit_fetches_only_the_missing_entities_and_keeps_the_order(
    gateway: Gateway, fetcher: CountingFetcher, backend: Backend
) -> None:
    backend.catalog_policy = "no-store"
    await run(gateway, NAMES_AND_STOCK)
    backend.ids = ["p3", "p1", "p2"]
    fetcher.sent.clear()
    answer = await run(gateway, NAMES_AND_STOCK)
    assert sent_ids(fetcher) == [["p3"]]
    assert [(item["id"], item["stock"]) for item in answer.response["data"]["products"]] == [
        ("p3", 30),
        ("p1", 10),
        ("p2", 20),
    ]


async def test_a_customer_never_sees_another_customers_cached_data(
    gateway: Gateway, fetcher: CountingFetcher
) -> None:
    await run(gateway, NOTES, subject="alice")
    fetcher.sent.clear()
    bob = await run(gateway, NOTES, subject="bob")
    assert sent_ids(fetcher) == [["p1", "p2"]]
    assert bob.response["data"]["products"][0]["note"] == "note of p1 for Bearer bob"


async def test_private_data_is_served_from_the_cache_to_its_own_caller(
    gateway: Gateway, fetcher: CountingFetcher
) -> None:
    await run(gateway, NOTES, subject="alice")
    fetcher.sent.clear()
    again = await run(gateway, NOTES, subject="alice")
    assert fetcher.sent == []
    assert again.response["data"]["products"][0]["note"] == "note of p1 for Bearer alice"
    assert again.cache_policy is not None
    assert again.cache_policy.private


async def test_private_data_of_an_anonymous_caller_is_never_stored(
    gateway: Gateway, fetcher: CountingFetcher, redis: Redis, namespace: str
) -> None:
    await run(gateway, NOTES)
    fetcher.sent.clear()
    await run(gateway, NOTES)
    assert sent_ids(fetcher) == [["p1", "p2"]]
    assert await keys_of(redis, namespace, "e") == []


async def test_public_entries_are_not_shared_between_roles(
    gateway: Gateway, fetcher: CountingFetcher
) -> None:
    await run(gateway, NAMES_AND_STOCK, subject="alice", role="customer")
    fetcher.requests.clear()
    await run(gateway, NAMES_AND_STOCK, subject="root", role="admin")  # may be shown more than her
    assert len(requests_to(fetcher, "catalog")) == 1
    assert sent_ids(fetcher)[-1] == ["p1", "p2"]


async def test_public_entries_are_shared_by_callers_of_one_role(
    gateway: Gateway, fetcher: CountingFetcher
) -> None:
    await run(gateway, NAMES_AND_STOCK, subject="alice")
    fetcher.requests.clear()
    await run(gateway, NAMES_AND_STOCK, subject="bob")
    assert fetcher.requests == []


async def test_nothing_is_cached_for_a_caller_the_router_could_not_verify(
    gateway: Gateway, fetcher: CountingFetcher
) -> None:
    await run(gateway, NAMES_AND_STOCK)  # an anonymous caller fills the public entries
    fetcher.requests.clear()
    await run(gateway, NAMES_AND_STOCK, subject="someone", role=None)
    await run(gateway, NAMES_AND_STOCK, subject="someone", role=None)
    assert len(fetcher.requests) == 4


async def test_a_mutation_neither_reads_nor_writes_the_cache(
    gateway: Gateway, fetcher: CountingFetcher, backend: Backend, redis: Redis, namespace: str
) -> None:
    await run(gateway, NAMES_AND_STOCK)
    stored = sorted(await keys_of(redis, namespace, "e"))
    backend.stock["p1"] = 99
    touched = await run(gateway, 'mutation { touch(id: "p1") { id stock } }')
    assert touched.response["data"]["touch"] == {"id": "p1", "stock": 99}
    assert sorted(await keys_of(redis, namespace, "e")) == stored


async def test_a_mutation_drops_what_its_answer_names_before_the_next_request(
    gateway: Gateway, fetcher: CountingFetcher, backend: Backend
) -> None:
    await run(gateway, NAMES_AND_STOCK)
    backend.ids = ["p3", "p1", "p2"]
    backend.invalidation = [{"kind": "entity", "subgraph": "catalog", "type": "Product", "key": {"id": "p3"}}]
    await run(gateway, 'mutation { touch(id: "p3") { id } }')
    fetcher.requests.clear()
    answer = await run(gateway, NAMES_AND_STOCK)
    assert len(requests_to(fetcher, "catalog")) == 1
    assert [item["id"] for item in answer.response["data"]["products"]] == ["p3", "p1", "p2"]


async def test_a_mutation_answer_cannot_drop_another_subgraphs_entries(
    gateway: Gateway, fetcher: CountingFetcher, backend: Backend
) -> None:
    await run(gateway, NAMES_AND_STOCK)
    backend.stock["p1"] = 99
    backend.invalidation = [{"kind": "entity", "subgraph": "details", "type": "Product", "key": {"id": "p1"}}]
    await run(gateway, 'mutation { touch(id: "p1") { id } }')
    answer = await run(gateway, NAMES_AND_STOCK)
    assert answer.response["data"]["products"][0]["stock"] == 10


async def test_a_malformed_invalidation_in_a_mutation_answer_is_not_the_callers_error(
    gateway: Gateway, backend: Backend
) -> None:
    backend.invalidation = [{"kind": "entity", "subgraph": "catalog", "type": "Product"}]  # no key
    touched = await run(gateway, 'mutation { touch(id: "p1") { id } }')
    assert touched.response == {"data": {"touch": {"id": "p1"}}}


async def test_entries_live_as_long_as_the_subgraph_allows(
    gateway: Gateway, backend: Backend, redis: Redis, namespace: str
) -> None:
    backend.details_policy = "public, max-age=5"
    await run(gateway, NAMES_AND_STOCK)
    entity_keys = await keys_of(redis, namespace, "e")
    assert len(entity_keys) == 2
    for key in entity_keys:
        assert 0 < await redis.ttl(key) <= 5
    [root_key] = await keys_of(redis, namespace, "r")
    assert 5 < await redis.ttl(root_key) <= 60


async def test_no_entry_outlives_the_routers_maximum(
    gateway_with_cache: Callable[..., Gateway], backend: Backend, redis: Redis, namespace: str
) -> None:
    backend.details_policy = "public, max-age=86400"
    await run(gateway_with_cache(max_ttl_seconds=30), NAMES_AND_STOCK)
    for key in await keys_of(redis, namespace, "e"):
        assert 0 < await redis.ttl(key) <= 30


async def test_an_expired_entry_is_fetched_again(
    gateway: Gateway, fetcher: CountingFetcher, backend: Backend, redis: Redis, namespace: str
) -> None:
    backend.catalog_policy = "no-store"
    await run(gateway, NAMES_AND_STOCK)
    stored = await keys_of(redis, namespace, "e")
    for key in stored:
        await redis.pexpire(key, 1)  # what the TTL does when it runs out, without waiting for it
    for _ in range(1000):  # bounded: 1 ms is over long before this many round trips
        if await redis.exists(*stored) == 0:
            break
    assert await redis.exists(*stored) == 0
    backend.stock["p1"] = 11
    fetcher.sent.clear()
    answer = await run(gateway, NAMES_AND_STOCK)
    assert sent_ids(fetcher) == [["p1", "p2"]]
    assert answer.response["data"]["products"][0]["stock"] == 11


async def test_an_answer_marked_no_store_is_not_kept(
    gateway: Gateway, fetcher: CountingFetcher, backend: Backend, redis: Redis, namespace: str
) -> None:
    backend.catalog_policy = backend.details_policy = "no-store"
    await run(gateway, NAMES_AND_STOCK)
    fetcher.requests.clear()
    await run(gateway, NAMES_AND_STOCK)
    assert len(fetcher.requests) == 2
    assert await keys_of(redis, namespace, "e") == []


def root_lookups(metrics: RouterMetrics, outcome: str) -> float:
    labels = {"subgraph": "catalog", "type": "Query", "outcome": outcome}
    return metrics.registry.get_sample_value("gocart_router_entity_cache_lookups_total", labels) or 0


async def test_a_root_answered_no_store_is_not_looked_up_on_the_next_request(
    gateway: Gateway, fetcher: CountingFetcher, backend: Backend, metrics: RouterMetrics
) -> None:
    backend.catalog_policy = "no-store"
    await run(gateway, NAMES_AND_STOCK)
    fetcher.requests.clear()
    answer = await run(gateway, NAMES_AND_STOCK)

    assert (root_lookups(metrics, "miss"), root_lookups(metrics, "skipped")) == (1, 1)
    assert requests_to(fetcher, "catalog")  # skipping the lookup still fetches: the data is fresh
    assert answer.response["data"]["products"][0]["id"] == "p1"


async def test_a_root_that_becomes_storable_is_cached_from_its_next_answer(
    gateway: Gateway, fetcher: CountingFetcher, backend: Backend, metrics: RouterMetrics
) -> None:
    backend.catalog_policy = "no-store"
    await run(gateway, NAMES_AND_STOCK)
    backend.catalog_policy = "public, max-age=60"
    await run(gateway, NAMES_AND_STOCK)  # lookup skipped, but this answer is kept
    fetcher.requests.clear()
    await run(gateway, NAMES_AND_STOCK)

    assert root_lookups(metrics, "hit") == 1
    assert requests_to(fetcher, "catalog") == []


async def test_a_root_answered_no_store_is_looked_up_again_after_the_recheck(
    gateway_with_cache: Callable[..., Gateway], backend: Backend, metrics: RouterMetrics
) -> None:
    now = [1_000_000.0]
    gateway = gateway_with_cache(max_ttl_seconds=600, clock=lambda: now[0])
    backend.catalog_policy = "no-store"
    await run(gateway, NAMES_AND_STOCK)
    now[0] += RECHECK_SECONDS + 1
    await run(gateway, NAMES_AND_STOCK)

    assert (root_lookups(metrics, "miss"), root_lookups(metrics, "skipped")) == (2, 0)


async def test_an_answer_without_cache_control_is_not_kept(
    gateway: Gateway, fetcher: CountingFetcher, backend: Backend
) -> None:
    backend.catalog_policy = backend.details_policy = None
    await run(gateway, NAMES_AND_STOCK)
    fetcher.requests.clear()
    await run(gateway, NAMES_AND_STOCK)
    assert len(fetcher.requests) == 2


async def test_an_answer_with_errors_is_not_kept(
    gateway: Gateway, fetcher: CountingFetcher, backend: Backend
) -> None:
    backend.catalog_policy = "no-store"
    backend.failing = {"p2"}
    first = await run(gateway, NAMES_AND_STOCK)
    assert first.cache_policy is not None
    assert not first.cache_policy.storable
    backend.failing = set()
    fetcher.sent.clear()
    await run(gateway, NAMES_AND_STOCK)
    assert sent_ids(fetcher) == [["p1", "p2"]]


async def test_an_invalidated_entity_is_fetched_again_on_the_next_request(
    gateway: Gateway, fetcher: CountingFetcher, backend: Backend, entity_cache: EntityCache
) -> None:
    await run(gateway, NAMES_AND_STOCK)
    backend.stock["p1"] = 9
    assert await entity_cache.invalidate("details", "Product", {"id": "p1"}) > 0
    fetcher.sent.clear()
    answer = await run(gateway, NAMES_AND_STOCK)
    assert sent_ids(fetcher) == [["p1"]]
    assert [item["stock"] for item in answer.response["data"]["products"]] == [9, 20]


async def test_invalidating_a_type_drops_every_entity_of_it(
    gateway: Gateway, fetcher: CountingFetcher, entity_cache: EntityCache, backend: Backend
) -> None:
    backend.catalog_policy = "no-store"
    await run(gateway, NAMES_AND_STOCK, subject="alice")
    await run(gateway, NOTES, subject="alice")
    await entity_cache.invalidate("details", "Product", None)
    fetcher.sent.clear()
    await run(gateway, NOTES, subject="alice")
    await run(gateway, NAMES_AND_STOCK, subject="alice")
    assert sent_ids(fetcher) == [["p1", "p2"], ["p1", "p2"]]


async def test_invalidation_drops_the_root_entries_of_the_subgraph(
    gateway: Gateway, fetcher: CountingFetcher, entity_cache: EntityCache, backend: Backend
) -> None:
    await run(gateway, NAMES_AND_STOCK)
    backend.ids = ["p2"]
    await entity_cache.invalidate("catalog", "Product", {"id": "p1"})
    fetcher.requests.clear()
    answer = await run(gateway, NAMES_AND_STOCK)
    assert len(requests_to(fetcher, "catalog")) == 1
    assert [item["id"] for item in answer.response["data"]["products"]] == ["p2"]


async def test_root_entries_are_found_by_their_subgraphs_index_and_dropped_with_it(
    gateway: Gateway, entity_cache: EntityCache, redis: Redis, namespace: str
) -> None:
    await run(gateway, NAMES_AND_STOCK)
    assert await keys_of(redis, namespace, "ri") == [f"{namespace}:entity-cache:ri:catalog"]
    await entity_cache.invalidate("catalog", "Product", {"id": "p1"})
    assert await keys_of(redis, namespace, "r") == []
    assert await keys_of(redis, namespace, "ri") == []


async def test_the_answers_policy_is_the_most_restrictive_it_touched(
    gateway: Gateway, backend: Backend
) -> None:
    backend.details_policy = "public, max-age=5"
    cold = await run(gateway, NAMES_AND_STOCK)
    assert cold.cache_policy == CachePolicy(5, Visibility.PUBLIC)
    warm = await run(gateway, NAMES_AND_STOCK)
    assert warm.cache_policy is not None
    assert warm.cache_policy.visibility is Visibility.PUBLIC
    assert 0 <= warm.cache_policy.max_age <= 5


async def test_hits_and_misses_are_counted(gateway: Gateway, metrics: RouterMetrics) -> None:
    await run(gateway, NAMES_AND_STOCK)
    await run(gateway, NAMES_AND_STOCK)
    assert root_lookups(metrics, "miss") == 1
    assert root_lookups(metrics, "hit") == 1
    details = {"subgraph": "details", "type": "Product", "outcome": "miss"}
    assert metrics.registry.get_sample_value("gocart_router_entity_cache_lookups_total", details) == 2


@pytest.fixture
async def unreachable_redis(closed_redis_url: str) -> AsyncIterator[Redis]:
    """A Redis client whose server port is bound but not listening: every command is refused."""
    client = Redis.from_url(closed_redis_url, socket_connect_timeout=0.5, socket_timeout=0.5)
    yield client
    await client.aclose()


@pytest.mark.slow  # waits out connection attempts to a Redis that is down
async def test_with_redis_down_answers_are_right_and_nothing_is_cached(
    urls: dict[str, str], fetcher: CountingFetcher, unreachable_redis: Redis, namespace: str
) -> None:
    metrics = RouterMetrics()
    gateway = gateway_for(
        urls, fetcher, EntityCache(unreachable_redis, namespace, metrics, max_ttl_seconds=60)
    )
    first = await run(gateway, NAMES_AND_STOCK)
    second = await run(gateway, NAMES_AND_STOCK)
    assert "errors" not in second.response
    assert second.response == first.response
    assert second.response["data"]["products"][0] == {"id": "p1", "name": "name of p1", "stock": 10}
    assert len(fetcher.requests) == 4
    assert metrics.registry.get_sample_value("gocart_router_entity_cache_degraded") == 1
