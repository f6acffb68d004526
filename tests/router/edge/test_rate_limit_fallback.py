"""Redis unreachable: requests are still decided (in process, per replica), one warning per outage, the
degraded gauge set, Redis asked again only after the retry time, and one line when it answers again."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable

import pytest
from redis.asyncio import Redis

from router.config import RateLimitSettings, RouterSettings
from router.edge.rate_limit import Bucket, RateLimiter, RedisBuckets
from router.errors import RateLimited
from router.metrics import RouterMetrics
from tests.router.edge.conftest import TYPENAME, StartRouter
from tests.router.edge.outage import RedisProxy
from tests.support.services import ServiceUrls

SETTINGS = RateLimitSettings(per_address_burst=2, per_address_per_second=0.01)
RETRY_SECONDS = 5.0
LIMITER_LOGGER = "router.edge.rate_limit.limiter"
DEGRADED = "gocart_router_rate_limit_degraded"
FALLBACKS = "gocart_router_rate_limit_fallback_decisions_total"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def unreachable(closed_redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(closed_redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
    yield client
    await client.aclose()


@pytest.fixture
async def proxy(services: ServiceUrls) -> AsyncIterator[RedisProxy]:
    forwarder = RedisProxy(services.redis_url)
    await forwarder.start()
    yield forwarder
    await forwarder.stop()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def metrics() -> RouterMetrics:
    return RouterMetrics()


@pytest.fixture
def limiter_on(metrics: RouterMetrics, clock: Clock, rate_namespace: str) -> Callable[[Redis], RateLimiter]:
    def build(redis: Redis) -> RateLimiter:
        shared = RedisBuckets(redis, rate_namespace)
        return RateLimiter(SETTINGS, metrics, shared, clock=clock, retry_seconds=RETRY_SECONDS)

    return build


def sample(metrics: RouterMetrics, name: str) -> float:
    return metrics.registry.get_sample_value(name) or 0.0


def limiter_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == LIMITER_LOGGER]


def asked(limiter: RateLimiter) -> int:
    assert limiter.shared is not None
    return limiter.shared.calls  # script calls sent (or tried)


async def test_unreachable_redis_leaves_the_decision_to_the_in_process_buckets(
    limiter_on: Callable[[Redis], RateLimiter], unreachable: Redis
) -> None:
    limiter = limiter_on(unreachable)
    await limiter.admit("10.0.0.1", None)
    await limiter.admit("10.0.0.1", None)
    with pytest.raises(RateLimited):
        await limiter.admit("10.0.0.1", None)


async def test_an_outage_warns_once_and_sets_the_degraded_gauge(
    limiter_on: Callable[[Redis], RateLimiter],
    unreachable: Redis,
    metrics: RouterMetrics,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger=LIMITER_LOGGER)
    limiter = limiter_on(unreachable)
    for moment in (0.0, 1.0, 6.0, 12.0):  # two probes after the first failure, both failing too
        clock.now = moment
        await limiter.admit(f"10.0.0.{moment:.0f}", None)
    assert asked(limiter) == 3
    assert len(limiter_warnings(caplog)) == 1
    assert "unreachable" in limiter_warnings(caplog)[0]
    assert sample(metrics, DEGRADED) == 1
    assert sample(metrics, FALLBACKS) == 4


async def test_redis_is_asked_again_only_after_the_retry_time(
    limiter_on: Callable[[Redis], RateLimiter], unreachable: Redis, clock: Clock
) -> None:
    limiter = limiter_on(unreachable)
    for index in range(10):
        await limiter.take([Bucket(f"address:10.0.1.{index}", 2, 1.0)])
    assert asked(limiter) == 1
    clock.now = RETRY_SECONDS
    for index in range(10):
        await limiter.take([Bucket(f"address:10.0.2.{index}", 2, 1.0)])
    assert asked(limiter) == 2


async def test_recovery_logs_one_line_clears_the_gauge_and_shares_again(
    limiter_on: Callable[[Redis], RateLimiter],
    proxy: RedisProxy,
    metrics: RouterMetrics,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger=LIMITER_LOGGER)
    redis = Redis.from_url(proxy.url, socket_timeout=0.5, socket_connect_timeout=0.5)
    limiter = limiter_on(redis)
    try:
        await limiter.admit("10.0.0.1", None)
        await proxy.stop()
        await limiter.admit("10.0.0.1", None)
        assert sample(metrics, DEGRADED) == 1
        await proxy.start()
        clock.now = RETRY_SECONDS
        await limiter.admit("10.0.0.1", None)  # the probe: Redis answers
        assert sample(metrics, DEGRADED) == 0
        with pytest.raises(RateLimited):  # Redis holds the first and the third token
            await limiter.admit("10.0.0.1", None)
    finally:
        await redis.aclose()
    assert sample(metrics, FALLBACKS) == 1  # only the request during the outage was decided in process
    warnings = limiter_warnings(caplog)
    assert len(warnings) == 2
    assert "answers again" in warnings[1]


async def test_without_redis_the_in_process_buckets_decide_and_nothing_is_degraded(
    metrics: RouterMetrics,
) -> None:
    limiter = RateLimiter(SETTINGS, metrics)
    await limiter.admit("10.0.0.1", None)
    await limiter.admit("10.0.0.1", None)
    with pytest.raises(RateLimited):
        await limiter.admit("10.0.0.1", None)
    assert (sample(metrics, DEGRADED), sample(metrics, FALLBACKS)) == (0, 0)


async def test_the_router_serves_requests_while_redis_is_unreachable(
    start_router: StartRouter,
    router_settings: Callable[..., RouterSettings],
    closed_redis_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger=LIMITER_LOGGER)
    async with start_router(router_settings(redis_url=closed_redis_url)) as router, router.client() as client:
        statuses = [(await client.post("/graphql", json=TYPENAME)).status_code for _ in range(5)]
        assert statuses == [200] * 5
        assert router.metric(DEGRADED) == 1
        assert router.metric(FALLBACKS) == 5
    assert len(limiter_warnings(caplog)) == 1
