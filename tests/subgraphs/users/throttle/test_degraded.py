"""Redis unreachable: sign-ins are still decided (in process, same rules), one warning per outage, the
degraded gauge set, and Redis asked again only after the retry time. (Recovery, with a Redis that
really stops and starts again, is in tests/faults/test_login_redis_down.py.)"""

from __future__ import annotations

import structlog
from redis.asyncio import Redis

from subgraphs.users.throttle import LoginThrottle, LoginThrottleMetrics
from tests.subgraphs.users.throttle.conftest import START, BuildThrottle, Clock, fail, refusal

ADA = "ada@example.com"
ADDRESS = "198.51.100.66"
UNREACHABLE = "login_throttle.redis_unreachable"
DEGRADED = "gocart_login_throttle_degraded"
FALLBACKS = "gocart_login_throttle_fallback_decisions_total"


def sample(metrics: LoginThrottleMetrics, name: str) -> float:
    return metrics.registry.get_sample_value(name) or 0.0


def asked(throttle: LoginThrottle) -> int:
    assert throttle.shared is not None
    return throttle.shared.calls


async def test_the_right_password_still_signs_in_while_redis_is_unreachable(
    build_throttle: BuildThrottle, unreachable_redis: Redis
) -> None:
    throttle = build_throttle(unreachable_redis)
    assert await refusal(throttle, ADA, ADDRESS) is None
    await throttle.record_success(email=ADA, address=ADDRESS)
    assert throttle.degraded


async def test_wrong_passwords_are_still_throttled_in_process(
    build_throttle: BuildThrottle, unreachable_redis: Redis
) -> None:
    throttle = build_throttle(unreachable_redis)
    await fail(throttle, ADA, ADDRESS, times=3)
    assert await refusal(throttle, ADA, ADDRESS) is not None
    assert await refusal(throttle, ADA, "203.0.113.7") is None


async def test_an_outage_warns_once_and_sets_the_degraded_gauge(
    build_throttle: BuildThrottle, unreachable_redis: Redis, metrics: LoginThrottleMetrics, clock: Clock
) -> None:
    throttle = build_throttle(unreachable_redis, retry_seconds=5)
    with structlog.testing.capture_logs() as logs:
        for moment in (0.0, 1.0, 6.0, 12.0):  # two probes after the first failure, both failing too
            clock.now = START + moment
            await throttle.attempt(email=f"guess{moment}@example.com", address=ADDRESS)
    warnings = [entry for entry in logs if entry["log_level"] == "warning"]
    assert [entry["event"] for entry in warnings] == [UNREACHABLE]
    assert "ConnectionError" in warnings[0]["error"]
    assert asked(throttle) == 3
    assert (sample(metrics, DEGRADED), sample(metrics, FALLBACKS)) == (1, 4)


async def test_redis_is_asked_again_only_after_the_retry_time(
    build_throttle: BuildThrottle, unreachable_redis: Redis, clock: Clock
) -> None:
    throttle = build_throttle(unreachable_redis, retry_seconds=5)
    for index in range(10):
        await throttle.attempt(email=f"guess{index}@example.com", address=f"10.0.1.{index}")
        await throttle.record_success(email=f"guess{index}@example.com", address=f"10.0.1.{index}")
    assert asked(throttle) == 1
    clock.advance(5)
    for index in range(10):
        await throttle.attempt(email=f"guess{index}@example.com", address=f"10.0.2.{index}")
    assert asked(throttle) == 2


async def test_without_redis_the_in_process_counters_decide_and_nothing_is_degraded(
    build_throttle: BuildThrottle, metrics: LoginThrottleMetrics
) -> None:
    throttle = build_throttle(None)
    await fail(throttle, ADA, ADDRESS, times=3)
    assert await refusal(throttle, ADA, ADDRESS) is not None
    assert (sample(metrics, DEGRADED), sample(metrics, FALLBACKS), throttle.degraded) == (0, 0, False)
