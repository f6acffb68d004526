"""A burst of checkouts for the last units: 200 customers order one unit each of a product with 10 in
stock, all at once, through the orders subgraph and the products subgraph running as processes of
their own, with their default settings. Exactly the stock is sold, everyone else hears OUT_OF_STOCK,
and nothing stays held for a customer who was told no. (Latencies: bench/checkout_burst.py.)"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from subgraphs.common.db import async_database_url
from tests.faults.checkout_burst_support import (
    BUYERS,
    STOCK,
    Answer,
    StockState,
    burst,
    checkout_services,
    create_product,
    outcome_counts,
    stock_state,
)
from tests.support.database import scratch_database
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
