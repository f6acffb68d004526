"""The sign-in throttle on a clock the test moves, counting in the real Redis or in process."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import pytest
from redis.asyncio import Redis

from subgraphs.common.errors import RateLimitedError
from subgraphs.users.throttle import LoginThrottle, LoginThrottleMetrics, RedisCounters, ThrottleRules

RULES = ThrottleRules(
    failures_before_delay=3,
    first_delay_seconds=1.0,
    max_delay_seconds=60.0,
    max_failures_per_address=10,
    window_seconds=900.0,
)
START = 1_700_000_000.0  # a wall-clock time, as the replicas' clocks give
BuildThrottle = Callable[..., LoginThrottle]


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def metrics() -> LoginThrottleMetrics:
    return LoginThrottleMetrics()


@pytest.fixture
def throttle_namespace(cache_namespace: str) -> str:
    """A namespace of this test's own inside the session's (which the session clears at its end)."""
    return f"{cache_namespace}:throttle-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def build_throttle(clock: Clock, metrics: LoginThrottleMetrics, throttle_namespace: str) -> BuildThrottle:
    """A throttle counting in `redis` (in process only when None)."""

    def build(redis: Redis | None, rules: ThrottleRules = RULES, retry_seconds: float = 5.0) -> LoginThrottle:
        shared = RedisCounters(redis, rules, namespace=throttle_namespace) if redis is not None else None
        return LoginThrottle(
            rules, shared=shared, metrics=metrics, clock=clock, redis_retry_seconds=retry_seconds
        )

    return build


@pytest.fixture
async def unreachable_redis(closed_redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(closed_redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
    yield client
    await client.aclose()


async def refusal(throttle: LoginThrottle, email: str, address: str | None) -> RateLimitedError | None:
    """The RATE_LIMITED error an attempt gets, or None when it is let through (and counted)."""
    try:
        await throttle.attempt(email=email, address=address)
    except RateLimitedError as error:
        return error
    return None


async def fail(throttle: LoginThrottle, email: str, address: str | None, times: int = 1) -> None:
    """Attempts that are let through and then turn out wrong (they stay counted)."""
    for _ in range(times):
        assert await refusal(throttle, email, address) is None


def retry_after(error: RateLimitedError | None) -> int:
    assert error is not None, "the attempt was let through"
    seconds: int = error.extensions["retryAfterSeconds"]
    return seconds
