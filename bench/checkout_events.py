"""Checkout throughput with domain events published versus not, measured in one run.

Writing events cannot be switched off: they are written in the transaction of the change they report,
and products' stock safety net relies on them. So "off" is the relay off (every checkout still writes
its events to the outbox; nothing reads them), and "on" is each subgraph's relay publishing them to
RabbitMQ with publisher confirms while products' consumers handle them (its stock safety net sells each
paid order's stock a second time, finding it done; its entity-cache consumer drops the product from
Redis on every `stock.changed`).

Two stacks (the products and orders subgraphs as processes, on a scratch database each) are up for the
whole run, one per mode; rounds alternate between them, so a change in the machine's load meets both.
A round: `--concurrency` customers place `--orders` orders between them, one unit each of a product
with enough stock for all, one order after another, straight at the orders subgraph (a steady load,
not a burst: a burst measures refusals); its throughput is PAID orders per second of its wall time.
After a round with the relay on, the bench waits for the outbox to drain (and says how many events were
still unsent when the last answer came) before the next round starts. Prints each round, each mode's
median, and the ratio on / off.

    python -m bench.checkout_events [--orders 200] [--concurrency 8] [--rounds 3] [--amqp-url amqp://guest:guest@127.0.0.1:5672/]
        [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres] [--redis-url redis://127.0.0.1:6379/0]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import aio_pika
from pydantic import SecretStr
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from subgraphs.common.amqp import dead_letter_queue
from subgraphs.common.db import async_database_url
from testbed.checkout_burst import (
    CheckoutServices,
    checkout_services,
    create_product,
    outcome_counts,
    steady_orders,
)
from testbed.database import scratch_database

DEFAULT_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
PRODUCTS_CONSUMERS = ("stock-safety-net", "entity-cache")
DRAIN_SECONDS = 120
WARM_UP_ORDERS = 20

UNSENT = text(
    "SELECT (SELECT count(*) FROM products.event_outbox WHERE sent_at IS NULL)"
    " + (SELECT count(*) FROM orders.event_outbox WHERE sent_at IS NULL)"
)


@dataclass
class Mode:
    name: str
    settings: Mapping[str, Any]
    relayed: bool
    rates: list[float] = field(default_factory=list)


async def unsent_events(database_url: str) -> int:
    engine = create_async_engine(async_database_url(database_url), poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return int((await connection.execute(UNSENT)).scalar_one())
    finally:
        await engine.dispose()


async def drained(database_url: str) -> float:
    """Seconds until both outboxes had nothing unsent (bounded)."""
    started = time.perf_counter()
    while True:
        if not await unsent_events(database_url) or time.perf_counter() - started > DRAIN_SECONDS:
            return time.perf_counter() - started
        await asyncio.sleep(0.1)


async def one_round(services: CheckoutServices, orders: int, concurrency: int) -> tuple[float, str]:
    """PAID orders per second of `orders` placed by `concurrency` customers (stock enough for all), and
    the outcomes."""
    product_id = await create_product(services, stock=orders)
    started = time.perf_counter()
    answers = await steady_orders(services, product_id=product_id, orders=orders, concurrency=concurrency)
    seconds = time.perf_counter() - started
    paid = sum(answer.outcome == "PAID" for answer in answers)
    counts = ", ".join(f"{outcome} {count}" for outcome, count in sorted(outcome_counts(answers).items()))
    return paid / seconds, counts


async def forget_broker_objects(amqp_url: str, exchange: str, prefix: str) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        for consumer in PRODUCTS_CONSUMERS:
            queue = f"{prefix}.products.{consumer}"
            await channel.queue_delete(queue)
            await channel.queue_delete(dead_letter_queue(queue))
        await channel.exchange_delete(exchange)


async def forget_cache(redis_url: str, namespaces: list[str]) -> None:
    redis = Redis.from_url(redis_url)
    for namespace in namespaces:
        keys = [key async for key in redis.scan_iter(match=f"{namespace}:*")]
        if keys:
            await redis.delete(*keys)
    await redis.aclose()


async def run(arguments: argparse.Namespace) -> None:
    tag = uuid.uuid4().hex[:8]
    exchange, prefix = f"gocart-bench-{tag}.events", f"gocart-bench-{tag}"
    modes = [
        Mode("relay off (outbox written, not published)", {"event_relay_interval_seconds": 0}, False),
        Mode(
            "relay on (published to RabbitMQ, consumed)",
            {
                "amqp_url": SecretStr(arguments.amqp_url),
                "events_exchange": exchange,
                "events_queue_prefix": prefix,
            },
            True,
        ),
    ]
    namespaces = [f"gocart-bench-{tag}-{n}" for n in range(len(modes))]
    try:
        async with (
            scratch_database(arguments.database_url) as off_url,
            scratch_database(arguments.database_url) as on_url,
        ):
            urls = [off_url, on_url]
            with (
                checkout_services(
                    database_url=off_url,
                    redis_url=arguments.redis_url,
                    namespace=namespaces[0],
                    shared_settings=modes[0].settings,
                ) as off_services,
                checkout_services(
                    database_url=on_url,
                    redis_url=arguments.redis_url,
                    namespace=namespaces[1],
                    shared_settings=modes[1].settings,
                ) as on_services,
            ):
                stacks = [off_services, on_services]
                for services in stacks:
                    await one_round(services, WARM_UP_ORDERS, arguments.concurrency)
                await drained(on_url)
                for round_number in range(1, arguments.rounds + 1):
                    order = [0, 1] if round_number % 2 else [1, 0]
                    for index in order:
                        mode, services, url = modes[index], stacks[index], urls[index]
                        rate, counts = await one_round(services, arguments.orders, arguments.concurrency)
                        mode.rates.append(rate)
                        line = f"round {round_number}, {mode.name}: {counts}; {rate:.1f} PAID orders/s"
                        if mode.relayed:
                            left = await unsent_events(url)
                            seconds = await drained(url)
                            line += (
                                f"; {left} events unsent at the last answer, all sent {seconds:.2f} s later"
                            )
                        print(line)
    finally:
        await forget_broker_objects(arguments.amqp_url, exchange, prefix)
        await forget_cache(arguments.redis_url, namespaces)
    off, on = (statistics.median(mode.rates) for mode in modes)
    print(f"median orders/s: {modes[0].name} {off:.1f}; {modes[1].name} {on:.1f}")
    print(f"ratio on / off: {on / off:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=200, help="orders per round")
    parser.add_argument("--concurrency", type=int, default=8, help="customers ordering at once")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--amqp-url", default=DEFAULT_AMQP_URL)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help="an admin connection")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
