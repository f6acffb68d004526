"""Domain events per second through the outbox, the relay and RabbitMQ, and what writing them costs.

On GOCART_DATABASE_URL (or the embedded PostgreSQL) and GOCART_AMQP_URL (default: RabbitMQ on
127.0.0.1:5672, guest/guest), in an outbox of a scratch schema:
1. writes N events, one per transaction, and N plain rows the same way: the cost of the outbox write
   as a ratio (an event is one more INSERT in a business transaction);
2. relays them to a topic exchange with one relay, then (after rewriting them) with two relays at
   once, each with publisher confirms and persistent messages, into a queue bound to `#`: events/s,
   and the two-relay ratio.

    python bench/events.py [--events 2000] [--aggregates 50] [--batch 100]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid

import aio_pika
from sqlalchemy import Column, Integer, MetaData, Table, Text, text

from gocart.settings import StackSettings
from gocart.stack import Stack
from subgraphs.common.amqp import AmqpSink, BrokerAddress
from subgraphs.common.db import SessionFactory, create_engine, create_session_factory
from subgraphs.common.event_relay import OutboxRelay, RelayPolicy
from subgraphs.common.events import EventTables, append_event, event_tables

DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"


async def write_events(sessions: SessionFactory, tables: EventTables, count: int, aggregates: int) -> float:
    ids = [uuid.uuid4() for _ in range(aggregates)]
    started = time.perf_counter()
    for n in range(count):
        async with sessions() as session:
            await append_event(
                session,
                tables,
                source="bench",
                type="thing.changed",
                schema_version=1,
                aggregate_type="thing",
                aggregate_id=ids[n % aggregates],
                data={"n": n},
            )
            await session.commit()
    return time.perf_counter() - started


async def write_plain_rows(sessions: SessionFactory, table: Table, count: int) -> float:
    started = time.perf_counter()
    for n in range(count):
        async with sessions() as session:
            await session.exec(table.insert().values(n=n, note="plain"))
            await session.commit()
    return time.perf_counter() - started


async def relay_all(relays: list[OutboxRelay], expected: int, queue: aio_pika.abc.AbstractQueue) -> float:
    started = time.perf_counter()

    async def drain(relay: OutboxRelay) -> None:
        while await relay.relay_once():
            pass

    await asyncio.gather(*(drain(relay) for relay in relays))
    while ((await queue.declare()).message_count or 0) < expected:  # a pass may end while another holds rows
        await asyncio.gather(*(drain(relay) for relay in relays))
    return time.perf_counter() - started


async def main(events: int, aggregates: int, batch: int) -> None:
    stack = Stack(StackSettings())
    amqp_url = os.environ.get("GOCART_AMQP_URL", DEFAULT_AMQP_URL)
    engine = create_engine(stack.database_url, pool_size=4, application_name="gocart-bench-events")
    sessions = create_session_factory(engine)
    schema = f"bench_events_{uuid.uuid4().hex[:8]}"
    metadata = MetaData()
    tables = event_tables(metadata, schema)
    plain = Table(
        "plain",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("n", Integer),
        Column("note", Text),
        schema=schema,
    )
    exchange = f"gocart-bench-{uuid.uuid4().hex[:8]}"
    async with engine.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        await connection.run_sync(metadata.create_all)
    broker = await aio_pika.connect(amqp_url)
    sinks: list[AmqpSink] = []

    def relay() -> OutboxRelay:
        sink = AmqpSink(BrokerAddress(url=amqp_url, exchange=exchange))
        sinks.append(sink)
        return OutboxRelay(sessions=sessions, tables=tables, sink=sink, policy=RelayPolicy(batch_size=batch))

    try:
        channel = await broker.channel()
        topic = await channel.declare_exchange(exchange, aio_pika.ExchangeType.TOPIC, durable=True)
        queue = await channel.declare_queue(f"{exchange}.all", exclusive=True)
        await queue.bind(topic, routing_key="#")

        event_seconds = await write_events(sessions, tables, events, aggregates)
        plain_seconds = await write_plain_rows(sessions, plain, events)
        one = await relay_all([relay()], events, queue)
        await queue.purge()
        await write_events(sessions, tables, events, aggregates)
        two = await relay_all([relay(), relay()], events, queue)

        print(f"{events} events over {aggregates} aggregates, batches of {batch}")
        print(
            f"write: {events / event_seconds:,.0f} events/s, {events / plain_seconds:,.0f} plain rows/s "
            f"(an event costs {event_seconds / plain_seconds:.2f}x a plain insert)"
        )
        print(f"relay to RabbitMQ, one relay:  {events / one:,.0f} events/s")
        print(f"relay to RabbitMQ, two relays: {events / two:,.0f} events/s ({one / two:.2f}x one relay)")
        await topic.delete()
    finally:
        for sink in sinks:
            await sink.close()
        await broker.close()
        async with engine.begin() as cleanup:
            await cleanup.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--aggregates", type=int, default=50)
    parser.add_argument("--batch", type=int, default=100)
    options = parser.parse_args()
    asyncio.run(main(options.events, options.aggregates, options.batch))
