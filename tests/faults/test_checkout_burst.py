"""A burst of checkouts for the last units: 200 customers order one unit each of a product with 10 in
stock, all at once, through the orders subgraph and the products subgraph running as processes of
their own, with their default settings. Exactly the stock is sold, everyone else hears OUT_OF_STOCK,
and nothing stays held for a customer who was told no. With products stalled (its process stopped),
the same burst is refused UNAVAILABLE without piling calls on it, and leaves nothing behind.
(Latencies: bench/checkout_burst.py.)"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from subgraphs.common.db import async_database_url
from subgraphs.orders.config import OrdersSettings
from testbed.checkout_burst import (
    BUYERS,
    STOCK,
    Answer,
    StockState,
    burst,
    checkout_services,
    create_product,
    most_connections_while,
    outcome_counts,
    stock_state,
)
from testbed.database import scratch_database
from tests.support.services import ServiceUrls


@dataclass(frozen=True)
class BurstOutcome:
    answers: list[Answer]
    stock: StockState
    order_statuses: dict[str, int]
    owed_stock_tasks: int


async def _order_statuses(database_url: str) -> tuple[dict[str, int], int]:
    engine = create_async_engine(async_database_url(database_url))
    try:
        async with engine.connect() as connection:
            statuses = await connection.execute(text("SELECT status, count(*) FROM orders.orders GROUP BY 1"))
            tasks = await connection.execute(text("SELECT count(*) FROM orders.stock_tasks"))
            return {str(status): int(n) for status, n in statuses}, int(tasks.scalar_one())
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
async def burst_outcome(services: ServiceUrls, redis: Redis) -> AsyncIterator[BurstOutcome]:
    """One burst on a database of its own, and what it left behind."""
    namespace = f"gocart-burst-{uuid.uuid4().hex[:8]}"
    async with scratch_database(services.database_url) as database_url:
        with checkout_services(
            database_url=database_url, redis_url=services.redis_url, namespace=namespace
        ) as running:
            product_id = await create_product(running, stock=STOCK)
            answers = await burst(running, product_id=product_id, buyers=BUYERS)
            stock = await stock_state(database_url, product_id)
            statuses, owed = await _order_statuses(database_url)
        yield BurstOutcome(answers, stock, statuses, owed)
    keys = [key async for key in redis.scan_iter(match=f"{namespace}:*")]
    if keys:
        await redis.delete(*keys)


async def test_exactly_the_stock_is_sold_and_everyone_else_is_told_out_of_stock(
    burst_outcome: BurstOutcome,
) -> None:
    assert outcome_counts(burst_outcome.answers) == {"PAID": STOCK, "OUT_OF_STOCK": BUYERS - STOCK}


async def test_only_the_paid_orders_are_kept(burst_outcome: BurstOutcome) -> None:
    assert burst_outcome.order_statuses == {"paid": STOCK}


async def test_no_unit_is_held_or_sold_beyond_the_paid_orders(burst_outcome: BurstOutcome) -> None:
    stock = burst_outcome.stock
    assert stock.held_or_sold_otherwise == 0
    assert stock.reserved == stock.held_for_paid  # a PAID order's sale may still be owed, nothing else
    assert stock.held_for_paid + stock.sold_to_paid == STOCK
    assert stock.on_hand == STOCK - stock.sold_to_paid


async def test_nothing_is_owed_to_products_but_the_sales_of_paid_orders(burst_outcome: BurstOutcome) -> None:
    # One unit per order: a commit still owed is one task per unit held for a PAID order.
    assert burst_outcome.owed_stock_tasks == burst_outcome.stock.held_for_paid


# ---------------------------------------------------------------- products stalled


@dataclass(frozen=True)
class StalledOutcome:
    answers: list[Answer]
    most_connections_to_products: int
    stock: StockState
    order_statuses: dict[str, int]
    owed_stock_tasks: int


@pytest.fixture(scope="module")
async def stalled_outcome(services: ServiceUrls, redis: Redis) -> AsyncIterator[StalledOutcome]:
    """The burst while the products process is stopped (SIGSTOP), then resumed."""
    namespace = f"gocart-stalled-{uuid.uuid4().hex[:8]}"
    async with scratch_database(services.database_url) as database_url:
        with checkout_services(
            database_url=database_url, redis_url=services.redis_url, namespace=namespace
        ) as running:
            product_id = await create_product(running, stock=STOCK)
            running.freeze("products")
            try:
                answers, most = await most_connections_while(
                    running.products_port, burst(running, product_id=product_id, buyers=BUYERS)
                )
            finally:
                running.thaw("products")
            stock = await stock_state(database_url, product_id)
            statuses, owed = await _order_statuses(database_url)
        yield StalledOutcome(answers, most, stock, statuses, owed)
    keys = [key async for key in redis.scan_iter(match=f"{namespace}:*")]
    if keys:
        await redis.delete(*keys)


async def test_with_products_stalled_everyone_is_told_unavailable(stalled_outcome: StalledOutcome) -> None:
    assert outcome_counts(stalled_outcome.answers) == {"UNAVAILABLE": BUYERS}
    # Most never reached products: refused while waiting for a slot, or once the circuit opened.
    refused_unsent = [a for a in stalled_outcome.answers if a.reason in {"queue_timeout", "circuit_open"}]
    assert len(refused_unsent) > BUYERS // 2


async def test_with_products_stalled_no_more_calls_reach_it_than_the_bulkhead_allows(
    stalled_outcome: StalledOutcome,
) -> None:
    limit = OrdersSettings.model_fields["products_max_concurrency"].default
    assert 0 < stalled_outcome.most_connections_to_products <= limit


async def test_with_products_stalled_nothing_is_written_held_or_owed(stalled_outcome: StalledOutcome) -> None:
    assert stalled_outcome.order_statuses == {}
    assert stalled_outcome.owed_stock_tasks == 0
    assert (stalled_outcome.stock.on_hand, stalled_outcome.stock.reserved) == (STOCK, 0)
