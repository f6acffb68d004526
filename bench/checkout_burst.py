"""The checkout burst, measured: many customers order the last units of one product at the same moment.

The products and orders subgraphs run as processes of their own on a scratch database; `--buyers`
customers (200) each place an order for one unit of a product with `--stock` (10) on hand, all at once,
straight at the orders subgraph. Prints the outcome counts, the latency percentiles of the answers,
and what products still holds afterwards. Nothing is asserted (tests/faults/test_checkout_burst.py does
that, on counts).

    python -m bench.checkout_burst [--buyers 200] [--stock 10] [--rounds 1]
        [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres] [--redis-url redis://127.0.0.1:6379/0]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import uuid
from collections.abc import Sequence

from redis.asyncio import Redis

from testbed.checkout_burst import (
    BUYERS,
    STOCK,
    Answer,
    burst,
    checkout_services,
    create_product,
    outcome_counts,
    stock_state,
)
from testbed.database import scratch_database

DEFAULT_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of values sorted ascending."""
    rank = max(1, round(fraction * len(sorted_values) + 0.5))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def report(round_number: int, answers: Sequence[Answer]) -> None:
    seconds = sorted(answer.seconds for answer in answers)
    counts = ", ".join(f"{outcome} {count}" for outcome, count in sorted(outcome_counts(answers).items()))
    print(
        f"round {round_number}: {len(answers)} answers: {counts}\n"
        f"  latency s: p50 {percentile(seconds, 0.50):.3f}  p90 {percentile(seconds, 0.90):.3f}  "
        f"p99 {percentile(seconds, 0.99):.3f}  max {seconds[-1]:.3f}  mean {statistics.fmean(seconds):.3f}"
    )


async def run(arguments: argparse.Namespace) -> None:
    namespace = f"gocart-bench-{uuid.uuid4().hex[:8]}"
    async with scratch_database(arguments.database_url) as database_url:
        with checkout_services(
            database_url=database_url, redis_url=arguments.redis_url, namespace=namespace
        ) as services:
            for round_number in range(1, arguments.rounds + 1):
                product_id = await create_product(services, stock=arguments.stock)
                answers = await burst(services, product_id=product_id, buyers=arguments.buyers)
                report(round_number, answers)
                state = await stock_state(database_url, product_id)
                print(
                    f"  afterwards: on hand {state.on_hand}, reserved {state.reserved} "
                    f"(held for PAID orders {state.held_for_paid}, sold to PAID orders {state.sold_to_paid}, "
                    f"held or sold for orders not PAID {state.held_or_sold_otherwise})"
                )
    redis = Redis.from_url(arguments.redis_url)
    keys = [key async for key in redis.scan_iter(match=f"{namespace}:*")]
    if keys:
        await redis.delete(*keys)
    await redis.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--buyers", type=int, default=BUYERS)
    parser.add_argument("--stock", type=int, default=STOCK)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help="an admin connection")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
