"""The throttle's rules as sign-ins meet them, counted in the real Redis and in process alike (the same
tests on both, so the Lua script and the Python counters cannot drift apart)."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from subgraphs.users.throttle import LoginThrottle, LoginThrottleMetrics, ThrottleRules
from tests.subgraphs.users.throttle.conftest import RULES, BuildThrottle, Clock, fail, refusal, retry_after

ADA = "ada@example.com"
ATTACKER, OWNER = "198.51.100.66", "203.0.113.7"


@pytest.fixture(params=["redis", "in_process"])
def where(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def build(build_throttle: BuildThrottle, redis: Redis, where: str) -> BuildThrottle:
    """Builds throttles counting where the test is parametrized to count."""

    def build_here(rules: ThrottleRules = RULES) -> LoginThrottle:
        return build_throttle(redis if where == "redis" else None, rules)

    return build_here


@pytest.fixture
def throttle(build: BuildThrottle) -> LoginThrottle:
    return build()


async def test_the_free_failures_are_let_through(throttle: LoginThrottle) -> None:
    await fail(throttle, ADA, ATTACKER, times=3)
    assert await refusal(throttle, ADA, ATTACKER) is not None


async def test_repeated_failures_from_one_address_on_one_account_get_doubling_delays(
    throttle: LoginThrottle, clock: Clock
) -> None:
    await fail(throttle, ADA, ATTACKER, times=3)
    waits = []
    for _ in range(4):
        waits.append(retry_after(await refusal(throttle, ADA, ATTACKER)))
        clock.advance(waits[-1])
        await fail(throttle, ADA, ATTACKER)
    assert waits == [1, 2, 4, 8]


async def test_an_attempt_is_refused_until_its_delay_has_passed(
    throttle: LoginThrottle, clock: Clock
) -> None:
    await fail(throttle, ADA, ATTACKER, times=3)
    clock.advance(1)
    await fail(throttle, ADA, ATTACKER)  # the fourth failure: 2 s to wait
    clock.advance(1.5)
    assert retry_after(await refusal(throttle, ADA, ATTACKER)) == 1
    clock.advance(0.5)
    assert await refusal(throttle, ADA, ATTACKER) is None


async def test_an_attempt_that_read_the_clock_before_the_last_failure_has_no_delay_to_wait(
    throttle: LoginThrottle, clock: Clock
) -> None:
    """Concurrent attempts reach the counters out of order (the clock is read before the round trip)."""
    clock.advance(0.5)
    await fail(throttle, ADA, ATTACKER)
    clock.advance(-0.5)
    await fail(throttle, ADA, ATTACKER, times=2)
    assert retry_after(await refusal(throttle, ADA, ATTACKER)) == 2  # 1 s after the latest failure


async def test_refused_attempts_do_not_lengthen_the_delay(throttle: LoginThrottle, clock: Clock) -> None:
    await fail(throttle, ADA, ATTACKER, times=3)
    for _ in range(20):
        assert await refusal(throttle, ADA, ATTACKER) is not None
    clock.advance(1)
    await fail(throttle, ADA, ATTACKER)
    assert retry_after(await refusal(throttle, ADA, ATTACKER)) == 2


async def test_the_delay_stops_doubling_at_its_cap(build: BuildThrottle, clock: Clock) -> None:
    throttle = build(
        ThrottleRules(failures_before_delay=3, max_delay_seconds=60, max_failures_per_address=100)
    )
    await fail(throttle, ADA, ATTACKER, times=3)
    waits = []
    for _ in range(8):
        waits.append(retry_after(await refusal(throttle, ADA, ATTACKER)))
        clock.advance(waits[-1])
        await fail(throttle, ADA, ATTACKER)
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60]


async def test_an_attackers_failures_do_not_stop_the_owner_from_another_address(
    throttle: LoginThrottle,
) -> None:
    await fail(throttle, ADA, ATTACKER, times=3)
    assert await refusal(throttle, ADA, ATTACKER) is not None

    assert await refusal(throttle, ADA, OWNER) is None
    await throttle.record_success(email=ADA, address=OWNER)


async def test_the_owners_success_leaves_the_attackers_delay_in_place(throttle: LoginThrottle) -> None:
    await fail(throttle, ADA, ATTACKER, times=3)
    await fail(throttle, ADA, OWNER)
    await throttle.record_success(email=ADA, address=OWNER)

    assert await refusal(throttle, ADA, ATTACKER) is not None


async def test_a_success_clears_the_failures_of_its_own_address(throttle: LoginThrottle) -> None:
    await fail(throttle, ADA, OWNER, times=2)
    await throttle.record_success(email=ADA, address=OWNER)

    await fail(throttle, ADA, OWNER, times=3)
    assert await refusal(throttle, ADA, OWNER) is not None


async def test_failures_are_forgotten_a_window_after_the_delay_ends(
    throttle: LoginThrottle, clock: Clock
) -> None:
    await fail(throttle, ADA, ATTACKER, times=3)
    clock.advance(1 + RULES.window_seconds)
    await fail(throttle, ADA, ATTACKER, times=3)
    assert retry_after(await refusal(throttle, ADA, ATTACKER)) == 1


async def test_the_per_address_limit_holds_across_accounts(throttle: LoginThrottle) -> None:
    for index in range(RULES.max_failures_per_address):
        await fail(throttle, f"guess{index}@example.com", ATTACKER)

    refused = await refusal(throttle, ADA, ATTACKER)
    other_address = await refusal(throttle, ADA, OWNER)

    assert retry_after(refused) > 0
    assert other_address is None


async def test_a_success_gives_the_address_its_attempt_back(throttle: LoginThrottle) -> None:
    for index in range(RULES.max_failures_per_address - 1):
        await fail(throttle, f"guess{index}@example.com", OWNER)
    for _ in range(3):
        await fail(throttle, ADA, OWNER)  # the right password, each time
        await throttle.record_success(email=ADA, address=OWNER)

    await fail(throttle, "one-more@example.com", OWNER)
    assert await refusal(throttle, "and-another@example.com", OWNER) is not None


async def test_an_unknown_address_gets_delays_but_no_address_limit(throttle: LoginThrottle) -> None:
    for index in range(2 * RULES.max_failures_per_address):
        await fail(throttle, f"guess{index}@example.com", None)
    await fail(throttle, ADA, None, times=3)
    assert await refusal(throttle, ADA, None) is not None


async def test_parallel_attempts_cannot_outrun_the_free_failures(throttle: LoginThrottle) -> None:
    outcomes = await asyncio.gather(*(refusal(throttle, ADA, ATTACKER) for _ in range(12)))
    assert sum(outcome is None for outcome in outcomes) == 3


async def test_refusals_are_counted_by_rule(build: BuildThrottle, metrics: LoginThrottleMetrics) -> None:
    throttle = build(
        ThrottleRules(failures_before_delay=1, first_delay_seconds=60, max_failures_per_address=2)
    )
    await fail(throttle, ADA, ATTACKER)
    await refusal(throttle, ADA, ATTACKER)
    await fail(throttle, "bob@example.com", ATTACKER)
    await refusal(throttle, "carol@example.com", ATTACKER)

    def refused(rule: str) -> float:
        return metrics.registry.get_sample_value("gocart_login_throttle_refusals_total", {"rule": rule}) or 0

    assert (refused("account_address"), refused("address")) == (1, 1)
    assert not throttle.degraded
