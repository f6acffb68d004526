"""GCRA buckets, the same behaviour from the Lua script in real Redis and from the in-process buckets:
a burst then a refusal, refill at the sustained rate, all or none over several keys, weights. Time is
passed in (`now`), never slept."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

import pytest
from redis.asyncio import Redis

from router.edge.rate_limit import Bucket, Decision, InProcessBuckets, RedisBuckets

Take = Callable[..., Awaitable[Decision]]
T0 = 1_000_000.0  # any moment: buckets only compare times with each other
ADDRESS = Bucket("address:10.0.0.1", burst=3, per_second=2.0)  # a token back every 0.5 s
SUBJECT = Bucket("subject:ada", burst=5, per_second=1.0)


@pytest.fixture(params=["redis", "in-process"])
def take(request: pytest.FixtureRequest, shared_buckets: RedisBuckets) -> Take:
    """`await take(buckets, tokens, now=...)` on one of the two stores."""
    if request.param == "redis":
        return shared_buckets.take
    local = InProcessBuckets()

    async def take_in_process(buckets: Sequence[Bucket], tokens: int = 1, *, now: float) -> Decision:
        return local.take(buckets, tokens, now=now)

    return take_in_process


def refusal(decision: Decision) -> tuple[object, object]:
    """(retry after, the refusing key) of a refused decision."""
    assert not decision.allowed
    return decision.retry_after, decision.limiting_key


async def allowed_in_a_row(take: Take, buckets: Sequence[Bucket], now: float, tokens: int = 1) -> int:
    count = 0
    while (await take(buckets, tokens, now=now)).allowed:
        count += 1
    return count


async def test_a_rested_bucket_allows_its_burst_then_refuses(take: Take) -> None:
    assert await allowed_in_a_row(take, [ADDRESS], T0) == 3


async def test_a_refusal_says_when_one_token_is_back(take: Take) -> None:
    await allowed_in_a_row(take, [ADDRESS], T0)
    refused = await take([ADDRESS], now=T0)
    assert refusal(refused) == (pytest.approx(0.5), ADDRESS.key)


async def test_tokens_refill_at_the_sustained_rate(take: Take) -> None:
    await allowed_in_a_row(take, [ADDRESS], T0)
    assert not (await take([ADDRESS], now=T0 + 0.4)).allowed
    assert await allowed_in_a_row(take, [ADDRESS], T0 + 1.0) == 2  # 1 s at 2 per second


async def test_a_bucket_refills_no_further_than_its_burst(take: Take) -> None:
    await allowed_in_a_row(take, [ADDRESS], T0)
    assert await allowed_in_a_row(take, [ADDRESS], T0 + 3600) == 3


async def test_refused_on_one_key_takes_from_none(take: Take) -> None:
    await allowed_in_a_row(take, [ADDRESS], T0)  # the address is empty, the subject full
    refused = await take([SUBJECT, ADDRESS], now=T0)
    assert (refused.allowed, refused.limiting_key) == (False, ADDRESS.key)
    assert await allowed_in_a_row(take, [SUBJECT], T0) == 5


async def test_allowed_takes_from_every_key(take: Take) -> None:
    assert await allowed_in_a_row(take, [ADDRESS, SUBJECT], T0) == 3
    assert await allowed_in_a_row(take, [SUBJECT], T0) == 2


async def test_the_refusal_waits_for_the_emptier_key(take: Take) -> None:
    await allowed_in_a_row(take, [ADDRESS, SUBJECT], T0)
    await allowed_in_a_row(take, [SUBJECT], T0)
    refused = await take([ADDRESS, SUBJECT], now=T0)
    assert refusal(refused) == (pytest.approx(1.0), SUBJECT.key)


async def test_a_weight_takes_that_many_tokens(take: Take) -> None:
    assert (await take([SUBJECT], 4, now=T0)).allowed
    refused = await take([SUBJECT], 2, now=T0)
    assert refusal(refused) == (pytest.approx(1.0), SUBJECT.key)


async def test_a_weight_above_the_burst_empties_a_rested_bucket(take: Take) -> None:
    assert (await take([ADDRESS], 50, now=T0)).allowed
    assert not (await take([ADDRESS], now=T0)).allowed


async def test_redis_keys_live_under_the_namespace_and_expire_when_full_again(
    redis: Redis, shared_buckets: RedisBuckets, rate_namespace: str
) -> None:
    await shared_buckets.take([ADDRESS, SUBJECT], 2, now=T0)
    address_key = f"{rate_namespace}:ratelimit:{ADDRESS.key}"
    assert shared_buckets.redis_key(ADDRESS) == address_key
    assert 0 < await redis.pttl(address_key) <= 1_000  # 2 tokens at 0.5 s each
    assert 1_000 < await redis.pttl(shared_buckets.redis_key(SUBJECT)) <= 2_000


async def test_redis_uses_its_own_clock_without_now(shared_buckets: RedisBuckets) -> None:
    decisions = [await shared_buckets.take([ADDRESS]) for _ in range(4)]
    assert [decision.allowed for decision in decisions] == [True, True, True, False]
    assert 0 < decisions[-1].retry_after <= 0.5


def test_idle_in_process_keys_are_swept() -> None:
    local = InProcessBuckets(clock=lambda: T0, sweep_seconds=10)
    local.take([ADDRESS, SUBJECT], now=T0)
    local.take([Bucket("address:10.0.0.2", 3, 0.01)], now=T0)  # full again only after 100 s
    local.take([], now=T0 + 11)
    assert len(local) == 1


async def test_concurrent_checks_go_to_redis_together_each_decided_alone(
    shared_buckets: RedisBuckets,
) -> None:
    other = Bucket("address:10.0.0.2", burst=1, per_second=1.0)
    checks = [shared_buckets.take([ADDRESS, SUBJECT], now=T0) for _ in range(4)]
    checks.append(shared_buckets.take([other], now=T0))
    decisions = await asyncio.gather(*checks)
    assert [decision.allowed for decision in decisions] == [True, True, True, False, True]
    assert decisions[3].limiting_key == ADDRESS.key
    assert shared_buckets.calls == 1


async def test_a_refused_check_in_a_batch_takes_nothing(shared_buckets: RedisBuckets) -> None:
    await shared_buckets.take([ADDRESS], now=T0)  # two tokens left
    heavy, light = shared_buckets.take([ADDRESS], 3, now=T0), shared_buckets.take([ADDRESS], 2, now=T0)
    refused, allowed = await asyncio.gather(heavy, light)
    assert (refused.allowed, allowed.allowed) == (False, True)
