"""The outbox relay against the real RabbitMQ: nothing lost, repeated or reordered per aggregate,
whether the broker is down for a while or two relays work one outbox at once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Sequence

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.common.amqp import AmqpSink, BrokerAddress
from subgraphs.common.db import SessionFactory, create_engine, create_session_factory
from subgraphs.common.event_relay import OutboxRelay, RelayPolicy
from subgraphs.common.events import DomainEvent, EventTables
from tests.subgraphs.common.events_support import create_outbox, unsent, versions_in_order, write_events
from tests.support.broker import DEAD_AMQP_URL, amqp_url, bound_queue, drain, unique_name

pytestmark = pytest.mark.slow  # relays publish through RabbitMQ, some while it is down


@pytest.fixture
async def events_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=4, application_name="gocart-test-events")
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(events_engine: AsyncEngine) -> SessionFactory:
    return create_session_factory(events_engine)


@pytest.fixture
async def outbox(events_engine: AsyncEngine) -> EventTables:
    return await create_outbox(events_engine)


@pytest.fixture
def exchange() -> str:
    return unique_name("events")


RelayFactory = Callable[..., OutboxRelay]


@pytest.fixture
async def relay(sessions: SessionFactory, outbox: EventTables, exchange: str) -> AsyncIterator[RelayFactory]:
    """Relays of the test's outbox to `url`; their connections are closed after the test."""
    sinks: list[AmqpSink] = []

    def make(url: str, batch: int = 10) -> OutboxRelay:
        sink = AmqpSink(BrokerAddress(url=url, exchange=exchange, connect_timeout_seconds=2))
        sinks.append(sink)
        policy = RelayPolicy(batch_size=batch, interval_seconds=0.05)
        return OutboxRelay(sessions=sessions, tables=outbox, sink=sink, policy=policy)

    yield make
    for sink in sinks:
        await sink.close()


async def relay_all(each: OutboxRelay) -> None:
    while await each.relay_once():
        pass


async def test_events_wait_in_the_outbox_while_the_broker_is_down_and_all_arrive_once_after(
    relay: RelayFactory,
    sessions: SessionFactory,
    outbox: EventTables,
    events_engine: AsyncEngine,
    exchange: str,
) -> None:
    written = await write_events(sessions, outbox, aggregates=4, per_aggregate=5)
    async with bound_queue(exchange, "#") as queue:
        with pytest.raises(ConnectionError):
            await relay(DEAD_AMQP_URL).relay_once()
        assert await unsent(events_engine, outbox) == len(written)

        await relay_all(relay(amqp_url()))
        received = await drain(queue, expected=len(written))

    assert sorted(str(event.id) for event in received) == sorted(str(event.id) for event in written)
    assert await unsent(events_engine, outbox) == 0


async def test_events_of_one_aggregate_arrive_in_the_order_they_were_written(
    relay: RelayFactory, sessions: SessionFactory, outbox: EventTables, exchange: str
) -> None:
    written = await write_events(sessions, outbox, aggregates=3, per_aggregate=6)
    async with bound_queue(exchange, "#") as queue:
        await relay_all(relay(amqp_url(), batch=4))
        received = await drain(queue, expected=len(written))

    assert len(received) == len(written)
    assert versions_in_order(received)


async def test_two_relays_at_once_publish_each_event_once_and_in_order(
    relay: RelayFactory,
    sessions: SessionFactory,
    outbox: EventTables,
    events_engine: AsyncEngine,
    exchange: str,
) -> None:
    written = await write_events(sessions, outbox, aggregates=8, per_aggregate=10)
    async with bound_queue(exchange, "#") as queue:
        first, second = (relay(amqp_url(), batch=7) for _ in range(2))
        await asyncio.gather(relay_all(first), relay_all(second))
        while await unsent(events_engine, outbox):  # a pass may stop early while the other holds rows
            await asyncio.gather(relay_all(first), relay_all(second))
        received = await drain(queue, expected=len(written))

    assert len(received) == len(written)
    assert len({event.id for event in received}) == len(written)
    assert versions_in_order(received)


async def test_a_relay_that_cannot_publish_keeps_its_events_for_the_next_pass(
    relay: RelayFactory,
    sessions: SessionFactory,
    outbox: EventTables,
    events_engine: AsyncEngine,
    exchange: str,
) -> None:
    await write_events(sessions, outbox, aggregates=1, per_aggregate=3)
    dead = relay(DEAD_AMQP_URL)
    for _ in range(2):
        with pytest.raises(ConnectionError):
            await dead.relay_once()
    assert await unsent(events_engine, outbox) == 3


class FlakySink:
    """A batch sink that records the waves it is given and fails one event the first time."""

    def __init__(self, fail_once: uuid.UUID) -> None:
        self.waves: list[list[DomainEvent]] = []
        self._fail_once: uuid.UUID | None = fail_once

    async def deliver(self, event: DomainEvent) -> None:
        raise AssertionError("the relay hands a batch sink whole waves")

    async def deliver_many(self, events: Sequence[DomainEvent]) -> list[BaseException | None]:
        self.waves.append(list(events))
        outcomes: list[BaseException | None] = []
        for event in events:
            if event.id == self._fail_once:
                self._fail_once = None
                outcomes.append(ConnectionError("nacked"))
            else:
                outcomes.append(None)
        return outcomes


def delivered(sink: FlakySink) -> list[DomainEvent]:
    return [event for wave in sink.waves for event in wave]


async def test_a_batch_sink_gets_one_event_of_each_aggregate_per_wave(
    sessions: SessionFactory, outbox: EventTables
) -> None:
    await write_events(sessions, outbox, aggregates=3, per_aggregate=4)
    sink = FlakySink(fail_once=uuid.uuid4())  # fails nothing
    relay = OutboxRelay(sessions=sessions, tables=outbox, sink=sink, policy=RelayPolicy(batch_size=100))

    assert await relay.relay_once() == 12

    assert [len(wave) for wave in sink.waves] == [3, 3, 3, 3]
    assert all(len({event.aggregate_id for event in wave}) == 3 for wave in sink.waves)
    assert versions_in_order(delivered(sink))


async def test_a_failed_event_holds_back_its_aggregate_while_the_rest_of_its_wave_is_sent(
    sessions: SessionFactory, outbox: EventTables, events_engine: AsyncEngine
) -> None:
    written = await write_events(sessions, outbox, aggregates=3, per_aggregate=3)
    failing = next(event for event in written if event.aggregate_version == 2)
    sink = FlakySink(fail_once=failing.id)
    relay = OutboxRelay(sessions=sessions, tables=outbox, sink=sink, policy=RelayPolicy(batch_size=100))

    with pytest.raises(ConnectionError):
        await relay.relay_once()
    assert len(sink.waves) == 2  # the pass stopped after the wave with the failure
    assert await unsent(events_engine, outbox) == 4  # the failed one and every aggregate's third

    await relay.relay_once()

    assert await unsent(events_engine, outbox) == 0
    assert versions_in_order(_sent_in_order(sink, failing))


def _sent_in_order(sink: FlakySink, failed: DomainEvent) -> list[DomainEvent]:
    """What consumers saw: every wave's events, without the failed attempt."""
    seen: list[DomainEvent] = []
    failed_once = False
    for wave in sink.waves:
        for event in wave:
            if event.id == failed.id and not failed_once:
                failed_once = True
                continue
            seen.append(event)
    return seen
