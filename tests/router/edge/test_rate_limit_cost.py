"""Cost-weighted limits: after cost estimation an operation is charged ceil(cost / cost_unit) - 1 tokens
beyond the one its request took, all or none, at most what is left of the smallest bucket."""

from __future__ import annotations

import pytest

from router.config import RateLimitSettings
from router.edge.rate_limit import Bucket, RateLimiter
from router.errors import RateLimited
from router.metrics import RouterMetrics

WEIGHTED = RateLimitSettings(
    per_address_burst=10, per_address_per_second=0.01, cost_weighted=True, cost_unit=100
)
ADDRESS = "10.0.0.1"


@pytest.fixture
def weighted() -> RateLimiter:
    return RateLimiter(WEIGHTED, RouterMetrics())


async def requests_admitted(limiter: RateLimiter) -> int:
    count = 0
    try:
        while True:
            await limiter.admit(ADDRESS, None)
            count += 1
    except RateLimited:
        return count


@pytest.mark.parametrize(
    ("estimated_cost", "extra"),
    [(0, 0), (1, 0), (100, 0), (101, 1), (450, 4), (1_000, 9), (1_000_000, 9)],
)
def test_extra_tokens_are_the_cost_in_units_beyond_the_first(
    weighted: RateLimiter, estimated_cost: int, extra: int
) -> None:
    assert weighted.extra_tokens(estimated_cost, weighted.buckets(ADDRESS, None)) == extra


def test_the_smallest_bucket_bounds_the_extra_tokens(weighted: RateLimiter) -> None:
    buckets = [Bucket("address:a", 10, 1.0), Bucket("subject:s", 4, 1.0)]
    assert weighted.extra_tokens(1_000, buckets) == 3


def test_without_cost_weighting_nothing_extra_is_charged() -> None:
    limiter = RateLimiter(WEIGHTED.model_copy(update={"cost_weighted": False}), RouterMetrics())
    assert limiter.extra_tokens(1_000_000, limiter.buckets(ADDRESS, None)) == 0


async def test_a_charge_takes_its_tokens_from_the_callers_buckets(weighted: RateLimiter) -> None:
    await weighted.admit(ADDRESS, None)
    await weighted.charge_cost(ADDRESS, None, 450)
    assert await requests_admitted(weighted) == 5


async def test_a_charge_that_does_not_fit_is_refused_and_takes_nothing(weighted: RateLimiter) -> None:
    for _ in range(8):
        await weighted.admit(ADDRESS, None)
    with pytest.raises(RateLimited) as refused:
        await weighted.charge_cost(ADDRESS, None, 500)
    assert int(refused.value.headers["retry-after"]) >= 1
    assert await requests_admitted(weighted) == 2
