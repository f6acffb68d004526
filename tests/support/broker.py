"""The RabbitMQ the event tests publish to, and reading what reached a queue.

In CI it is the server at 127.0.0.1:5672 (GOCART_TEST_AMQP_URL elsewhere). Every test names its own
exchange and queues (a random prefix), so parallel sessions never read each other's messages.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aio_pika
from aio_pika.abc import AbstractQueue

from subgraphs.common.amqp import dead_letter_queue
from subgraphs.common.events import DomainEvent

CI_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
DEAD_AMQP_URL = "amqp://guest:guest@127.0.0.1:1/"  # nothing listens on port 1


def amqp_url() -> str:
    return os.environ.get("GOCART_TEST_AMQP_URL", CI_AMQP_URL)


def unique_name(kind: str) -> str:
    return f"gocart-test-{uuid.uuid4().hex[:10]}.{kind}"


@asynccontextmanager
async def bound_queue(exchange: str, *patterns: str) -> AsyncIterator[AbstractQueue]:
    """An exclusive queue bound to `exchange` (declared here too) for `patterns`, gone afterwards."""
    connection = await aio_pika.connect(amqp_url())
    async with connection:
        channel = await connection.channel()
        topic = await channel.declare_exchange(exchange, aio_pika.ExchangeType.TOPIC, durable=True)
        queue = await channel.declare_queue(exclusive=True)
        for pattern in patterns:
            await queue.bind(topic, routing_key=pattern)
        try:
            yield queue
        finally:
            await topic.delete()


async def delete_queues(*queues: str, exchange: str | None = None) -> None:
    """Delete consumer queues (and their dead-letter queues) a test's app declared, and its exchange."""
    connection = await aio_pika.connect(amqp_url())
    async with connection:
        channel = await connection.channel()
        for queue in queues:
            await channel.queue_delete(queue)
            await channel.queue_delete(dead_letter_queue(queue))
        if exchange is not None:
            await channel.exchange_delete(exchange)


async def drain(queue: AbstractQueue, *, expected: int, timeout_seconds: float = 20.0) -> list[DomainEvent]:
    """The events in the queue, in arrival order: waits until `expected` came, then a little longer
    for any extra (a duplicate would show)."""
    received: list[DomainEvent] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_seconds
    quiet_until: float | None = None
    while True:
        message = await queue.get(no_ack=True, fail=False)
        if message is not None:
            received.append(DomainEvent.model_validate_json(message.body))
            continue
        now = loop.time()
        if len(received) >= expected:
            quiet_until = quiet_until or now + 0.5
            if now >= quiet_until:
                return received
        elif now >= deadline:
            return received
        await asyncio.sleep(0.05)
