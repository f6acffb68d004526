"""A product cached by one products process is not served stale after an update made through another:
two apps on one database, one Redis and the real RabbitMQ, each with its own pools and consumers.

The entity cache lives in Redis only (no in-process layer), so the writer's own invalidation reaches
every process; the `entity-cache` consumer drops the entry again when `product.updated` arrives, which
also repairs a stale value written back after that invalidation (a read that raced the update)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aio_pika
import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from pydantic import SecretStr
from redis.asyncio import Redis

from subgraphs.common.amqp import dead_letter_queue
from subgraphs.common.event_relay import OutboxRelay
from subgraphs.products.caches import ProductCaches
from subgraphs.products.config import ProductsSettings
from subgraphs.products.main import create_app
from tests.support.broker import amqp_url, unique_name
from tests.support.graphql import GraphQLClient
from tests.support.tokens import Tokens

pytestmark = pytest.mark.slow  # two products apps with their own consumers, waiting on RabbitMQ events

PRICE = "query($id: ID!) { product(id: $id) { price } }"
SET_PRICE = "mutation($id: ID!, $price: Decimal!) { updateProduct(id: $id, input: {price: $price}) { id } }"
CREATE = """
mutation { createProduct(input: {sku: "XPC-1", name: "Lamp", price: "10.00"}) { id } }
"""
WAIT_SECONDS = 20.0


@dataclass(frozen=True)
class Process:
    gql: GraphQLClient
    relay: OutboxRelay


@dataclass(frozen=True)
class TwoProcesses:
    first: Process
    second: Process
    settings: ProductsSettings


async def _wait_for_queue(name: str) -> None:
    """Until the consumers have declared their queue (published events would find no queue before)."""
    connection = await aio_pika.connect(amqp_url())
    async with connection:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT_SECONDS
        while True:
            channel = await connection.channel()
            try:
                await channel.declare_queue(name, passive=True)
                return
            except aio_pika.exceptions.ChannelClosed:
                if loop.time() > deadline:
                    raise
                await asyncio.sleep(0.05)


async def _delete_broker_objects(exchange: str, queues: list[str]) -> None:
    connection = await aio_pika.connect(amqp_url())
    async with connection:
        channel = await connection.channel()
        for queue in queues:
            await channel.queue_delete(queue)
        await channel.exchange_delete(exchange)


@pytest.fixture
async def two_processes(
    products_settings: ProductsSettings, clean_products: None
) -> AsyncIterator[TwoProcesses]:
    """Two products apps sharing the database, Redis and a broker exchange of the test's own; their
    relays are run by the test (`relay_once`), so it decides when events go out."""
    exchange, prefix = unique_name("events"), unique_name("queues")
    settings = products_settings.model_copy(
        update={
            "amqp_url": SecretStr(amqp_url()),
            "events_exchange": exchange,
            "events_queue_prefix": prefix,
            "migrate_on_startup": False,
        }
    )
    queue = f"{prefix}.products.entity-cache"
    apps: list[FastAPI] = [create_app(settings), create_app(settings)]
    async with LifespanManager(apps[0]), LifespanManager(apps[1]):
        await _wait_for_queue(queue)
        clients = [
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://products")
            for app in apps
        ]
        async with clients[0], clients[1]:
            first, second = (
                Process(gql=GraphQLClient(client), relay=app.state.event_relay)
                for client, app in zip(clients, apps, strict=True)
            )
            yield TwoProcesses(first=first, second=second, settings=settings)
    safety_net = f"{prefix}.products.stock-safety-net"
    await _delete_broker_objects(
        exchange, [queue, dead_letter_queue(queue), safety_net, dead_letter_queue(safety_net)]
    )


async def price_in(process: Process, product_id: str, tokens: Tokens) -> str:
    result = await process.gql.execute(PRICE, {"id": product_id}, token=tokens.admin)
    price: str = result.ok()["product"]["price"]
    return price


async def price_once_fresh(
    process: Process, product_id: str, tokens: Tokens, expected: str, *, relay: OutboxRelay | None = None
) -> str:
    """The price `process` answers once it answers `expected` (or the last one, after a bounded
    wait), relaying events between reads when given a relay."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_SECONDS
    while True:
        if relay is not None:
            while await relay.relay_once():
                pass
        price = await price_in(process, product_id, tokens)
        if price == expected or loop.time() > deadline:
            return price
        await asyncio.sleep(0.05)


async def a_product(process: Process, tokens: Tokens) -> str:
    product_id: str = (await process.gql.execute(CREATE, token=tokens.admin)).ok()["createProduct"]["id"]
    return product_id


async def test_an_update_through_one_process_is_read_fresh_in_another_that_had_it_cached(
    two_processes: TwoProcesses, tokens: Tokens
) -> None:
    first, second = two_processes.first, two_processes.second
    product_id = await a_product(second, tokens)
    assert await price_in(first, product_id, tokens) == "10.00"  # now cached

    (await second.gql.execute(SET_PRICE, {"id": product_id, "price": "12.00"}, token=tokens.admin)).ok()

    assert await price_once_fresh(first, product_id, tokens, "12.00") == "12.00"


async def test_a_stale_entry_written_back_after_the_update_is_dropped_when_the_event_arrives(
    two_processes: TwoProcesses, tokens: Tokens, redis: Redis
) -> None:
    first, second = two_processes.first, two_processes.second
    product_id = await a_product(second, tokens)
    assert await price_in(first, product_id, tokens) == "10.00"
    key = ProductCaches.create(redis, two_processes.settings).products.key(uuid.UUID(product_id))
    stale: Any = await redis.get(key)
    (await second.gql.execute(SET_PRICE, {"id": product_id, "price": "12.00"}, token=tokens.admin)).ok()
    await redis.set(key, stale)  # as a read that raced the update would have
    assert await price_in(first, product_id, tokens) == "10.00"

    fresh = await price_once_fresh(first, product_id, tokens, "12.00", relay=second.relay)

    assert fresh == "12.00"
