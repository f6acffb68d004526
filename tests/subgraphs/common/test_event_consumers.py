"""Consumers of events: their own durable queue on the real RabbitMQ, the dead-letter queue for
messages that cannot be handled, and each event handled once however often it is delivered."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import aio_pika
import pytest
from aio_pika.abc import AbstractIncomingMessage
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession
from structlog.testing import capture_logs

from subgraphs.common.amqp import BrokerAddress, QueueBinding, consume_forever, dead_letter_queue
from subgraphs.common.db import SessionFactory, create_engine, create_session_factory
from subgraphs.common.event_consumers import (
    ConsumerFailed,
    EventConsumer,
    InProcessSink,
    OnceByEventId,
    topic_matches,
)
from subgraphs.common.event_relay import OutboxRelay, RelayPolicy
from subgraphs.common.events import DomainEvent, EventTables
from subgraphs.common.handler_retries import HandlerRetries
from subgraphs.common.router_notifier import RouterInvalidationFailed
from tests.subgraphs.common.events_support import create_outbox, unsent, write_events
from tests.support.broker import amqp_url, unique_name

MAX_ATTEMPTS = 3
FIRST_PAUSE = 0.01


class Pauses(list[float]):
    """A consumer's sleep that records its pauses (and waits them, they are short)."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)
        await asyncio.sleep(seconds)


@pytest.fixture
def pauses() -> Pauses:
    return Pauses()


@pytest.fixture
def retries(pauses: Pauses) -> HandlerRetries:
    return HandlerRetries(MAX_ATTEMPTS, first_pause_seconds=FIRST_PAUSE, max_pause_seconds=1.0, sleep=pauses)


def an_event(event_type: str = "thing.changed") -> DomainEvent:
    return DomainEvent(
        id=uuid.uuid4(),
        type=event_type,
        schema_version=1,
        source="test",
        time=datetime.now(UTC),
        aggregate_type="thing",
        aggregate_id=str(uuid.uuid4()),
        aggregate_version=1,
        request_id=None,
        trace_id=None,
        data={},
    )


@pytest.fixture
async def events_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=2, application_name="gocart-test-consumers")
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(events_engine: AsyncEngine) -> SessionFactory:
    return create_session_factory(events_engine)


@pytest.fixture
async def outbox(events_engine: AsyncEngine) -> EventTables:
    return await create_outbox(events_engine)


Consuming = Callable[[Callable[[DomainEvent], Awaitable[None]]], Awaitable[tuple[str, str]]]


@pytest.fixture
async def consuming(retries: HandlerRetries) -> AsyncIterator[Consuming]:
    """Start a consumer of `thing.*` with a handler; answers its exchange and queue. Stopped and its
    queues deleted after the test."""
    tasks: list[asyncio.Task[None]] = []
    queues: list[str] = []

    async def start(handle: Callable[[DomainEvent], Awaitable[None]]) -> tuple[str, str]:
        exchange, queue = unique_name("events"), unique_name("consumer")
        binding = QueueBinding(queue=queue, patterns=("thing.*",), handle=handle, retries=retries)
        tasks.append(asyncio.create_task(consume_forever(BrokerAddress(amqp_url(), exchange), [binding])))
        queues.extend([queue, dead_letter_queue(queue)])
        await _until_declared(queue)
        return exchange, queue

    yield start
    for task in tasks:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    connection = await aio_pika.connect(amqp_url())
    async with connection:
        channel = await connection.channel()
        for name in queues:
            await channel.queue_delete(name)


async def _until_declared(queue: str) -> None:
    connection = await aio_pika.connect(amqp_url())
    async with connection:
        for _ in range(200):
            channel = await connection.channel()
            try:
                await channel.declare_queue(queue, passive=True)
                return
            except aio_pika.exceptions.ChannelClosed:
                await asyncio.sleep(0.05)
    raise AssertionError(f"{queue} was never declared")


async def publish(exchange: str, body: bytes, routing_key: str = "thing.changed") -> None:
    connection = await aio_pika.connect(amqp_url())
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        topic = await channel.declare_exchange(exchange, aio_pika.ExchangeType.TOPIC, durable=True)
        await topic.publish(
            aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT), routing_key
        )


async def dead_letters(queue: str, *, expected: int = 1, polls: int = 200) -> list[AbstractIncomingMessage]:
    connection = await aio_pika.connect(amqp_url())
    found: list[AbstractIncomingMessage] = []
    async with connection:
        channel = await connection.channel()
        dead = await channel.declare_queue(dead_letter_queue(queue), durable=True)
        for _ in range(polls):
            message = await dead.get(no_ack=True, fail=False)
            if message is not None:
                found.append(message)
                if len(found) >= expected:
                    break
            else:
                await asyncio.sleep(0.05)
    return found


async def test_a_message_that_is_no_event_goes_to_the_dead_letter_queue(consuming: Consuming) -> None:
    handled: list[DomainEvent] = []

    async def handle(event: DomainEvent) -> None:
        handled.append(event)

    exchange, queue = await consuming(handle)
    await publish(exchange, b"not an event")

    [dead] = await dead_letters(queue)
    assert dead.body == b"not an event"
    assert handled == []


async def test_an_event_its_handler_keeps_failing_on_is_dead_lettered_after_the_attempts(
    consuming: Consuming,
) -> None:
    attempts: list[uuid.UUID] = []

    async def handle(event: DomainEvent) -> None:
        attempts.append(event.id)
        raise RuntimeError("cannot handle this")

    exchange, queue = await consuming(handle)
    event = an_event()
    await publish(exchange, event.to_json())

    [dead] = await dead_letters(queue)
    assert DomainEvent.model_validate_json(dead.body).id == event.id
    assert attempts == [event.id] * MAX_ATTEMPTS


async def test_a_failed_event_is_redelivered_after_a_pause_that_doubles_with_each_failure(
    consuming: Consuming, pauses: Pauses
) -> None:
    async def handle(_event: DomainEvent) -> None:
        raise RuntimeError("the router is restarting")

    exchange, queue = await consuming(handle)
    await publish(exchange, an_event().to_json())
    await dead_letters(queue)

    assert pauses == [FIRST_PAUSE, 2 * FIRST_PAUSE]  # none after the last attempt


async def test_an_event_whose_handler_recovers_within_the_attempts_is_handled_not_dead_lettered(
    consuming: Consuming,
) -> None:
    attempts: list[uuid.UUID] = []
    handled = asyncio.Event()

    async def handle(event: DomainEvent) -> None:
        attempts.append(event.id)
        if len(attempts) < MAX_ATTEMPTS:
            raise RuntimeError("down for a moment")
        handled.set()

    exchange, queue = await consuming(handle)
    await publish(exchange, an_event().to_json())
    await asyncio.wait_for(handled.wait(), 20)

    assert len(attempts) == MAX_ATTEMPTS
    assert await dead_letters(queue, expected=1, polls=10) == []


async def test_a_consumer_gets_the_events_its_patterns_bind(consuming: Consuming) -> None:
    handled: list[str] = []
    done = asyncio.Event()

    async def handle(event: DomainEvent) -> None:
        handled.append(event.type)
        done.set()

    exchange, _queue = await consuming(handle)
    await publish(exchange, an_event("other.changed").to_json(), routing_key="other.changed")
    await publish(exchange, an_event("thing.created").to_json(), routing_key="thing.created")
    await asyncio.wait_for(done.wait(), 20)

    assert handled == ["thing.created"]


async def test_an_event_delivered_twice_is_handled_once(
    sessions: SessionFactory, outbox: EventTables
) -> None:
    handled: list[uuid.UUID] = []

    async def handle(_session: AsyncSession, event: DomainEvent) -> None:
        handled.append(event.id)

    once = OnceByEventId(
        EventConsumer(name="counter", patterns=("#",), handle=handle), sessions=sessions, tables=outbox
    )
    event = an_event()

    assert await once(event) is True
    assert await once(event) is False
    assert handled == [event.id]


async def test_an_event_whose_handler_failed_is_handled_when_delivered_again(
    sessions: SessionFactory, outbox: EventTables
) -> None:
    calls: list[uuid.UUID] = []

    async def handle(_session: AsyncSession, event: DomainEvent) -> None:
        calls.append(event.id)
        if len(calls) == 1:
            raise RuntimeError("first attempt fails")

    once = OnceByEventId(
        EventConsumer(name="flaky", patterns=("#",), handle=handle), sessions=sessions, tables=outbox
    )
    event = an_event()
    with pytest.raises(RuntimeError):
        await once(event)

    assert await once(event) is True
    assert calls == [event.id, event.id]


async def test_the_in_process_sink_hands_an_event_only_to_the_consumers_that_want_it(
    sessions: SessionFactory, outbox: EventTables
) -> None:
    handled: dict[str, list[str]] = {"things": [], "others": []}

    def recorder(name: str) -> Callable[[AsyncSession, DomainEvent], Awaitable[None]]:
        async def handle(_session: AsyncSession, event: DomainEvent) -> None:
            handled[name].append(event.type)

        return handle

    sink = InProcessSink(
        [
            OnceByEventId(
                EventConsumer("things", ("thing.*",), recorder("things")), sessions=sessions, tables=outbox
            ),
            OnceByEventId(
                EventConsumer("others", ("other.#",), recorder("others")), sessions=sessions, tables=outbox
            ),
        ]
    )
    await sink.deliver(an_event("thing.changed"))

    assert handled == {"things": ["thing.changed"], "others": []}


async def _always_failing(_session: AsyncSession, _event: DomainEvent) -> None:
    raise RuntimeError("the router is restarting")


@pytest.fixture
def failing(sessions: SessionFactory, outbox: EventTables) -> OnceByEventId:
    """A consumer whose handler always fails."""
    return OnceByEventId(EventConsumer("failing", ("#",), _always_failing), sessions=sessions, tables=outbox)


@pytest.fixture
def handled() -> dict[str, list[uuid.UUID]]:
    """The events each consumer's handler was called with, by consumer name (a failed call too)."""
    return {}


@pytest.fixture
def consumer_of(
    sessions: SessionFactory, outbox: EventTables, handled: dict[str, list[uuid.UUID]]
) -> Callable[..., OnceByEventId]:
    """A consumer of every event, recording in `handled`, whose first `failures` calls fail."""

    def make(name: str, *, failures: int = 0) -> OnceByEventId:
        calls = handled.setdefault(name, [])

        async def handle(_session: AsyncSession, event: DomainEvent) -> None:
            calls.append(event.id)
            if len(calls) <= failures:
                raise RuntimeError(f"{name} fails")

        return OnceByEventId(EventConsumer(name, ("#",), handle), sessions=sessions, tables=outbox)

    return make


async def test_a_consumer_that_fails_fails_the_in_process_delivery(
    failing: OnceByEventId, retries: HandlerRetries
) -> None:
    with pytest.raises(ConsumerFailed, match="consumer failing failed: RuntimeError"):
        await InProcessSink([failing], retries=retries).deliver(an_event())


async def test_the_in_process_sink_waits_no_pause_after_a_failure(
    failing: OnceByEventId, retries: HandlerRetries, pauses: Pauses
) -> None:
    with contextlib.suppress(ConsumerFailed):
        await InProcessSink([failing], retries=retries).deliver(an_event())

    assert pauses == []


async def test_the_in_process_sink_gives_up_on_an_event_after_the_attempts(
    consumer_of: Callable[..., OnceByEventId], handled: dict[str, list[uuid.UUID]], retries: HandlerRetries
) -> None:
    sink = InProcessSink([consumer_of("failing", failures=MAX_ATTEMPTS)], retries=retries)
    event = an_event()
    for _ in range(MAX_ATTEMPTS - 1):
        with contextlib.suppress(ConsumerFailed):
            await sink.deliver(event)

    await sink.deliver(event)  # the last attempt fails too: logged as dead-lettered, not raised

    assert handled["failing"] == [event.id] * MAX_ATTEMPTS


async def test_an_event_a_consumer_failed_on_is_relayed_again_to_that_consumer_only(
    sessions: SessionFactory,
    outbox: EventTables,
    events_engine: AsyncEngine,
    consumer_of: Callable[..., OnceByEventId],
    handled: dict[str, list[uuid.UUID]],
    retries: HandlerRetries,
) -> None:
    sink = InProcessSink([consumer_of("flaky", failures=1), consumer_of("steady")], retries=retries)
    relay = OutboxRelay(sessions=sessions, tables=outbox, sink=sink, policy=RelayPolicy())
    [event] = await write_events(sessions, outbox, aggregates=1, per_aggregate=1)
    with pytest.raises(ConsumerFailed):
        await relay.relay_once()

    assert await relay.relay_once() == 1
    assert handled == {"flaky": [event.id, event.id], "steady": [event.id]}
    assert await unsent(events_engine, outbox) == 0


@pytest.mark.parametrize(
    ("pattern", "routing_key", "matches"),
    [
        ("order.paid", "order.paid", True),
        ("order.*", "order.paid", True),
        ("order.*", "order.paid.late", False),
        ("order.#", "order", True),
        ("order.#", "order.paid.late", True),
        ("#", "stock.low", True),
        ("*.deleted", "product.deleted", True),
        ("*.deleted", "product.updated", False),
    ],
)
def test_topic_patterns_match_as_rabbitmq_matches_them(pattern: str, routing_key: str, matches: bool) -> None:
    assert topic_matches(pattern, routing_key) is matches


async def _router_down(_session: AsyncSession, _event: DomainEvent) -> None:
    raise RouterInvalidationFailed("the router cannot be reached: ECONNREFUSED")


async def test_the_in_process_sink_logs_a_dependency_outage_without_a_traceback(
    sessions: SessionFactory, outbox: EventTables, retries: HandlerRetries
) -> None:
    consumer = OnceByEventId(EventConsumer("notify", ("#",), _router_down), sessions=sessions, tables=outbox)
    with capture_logs() as logs, contextlib.suppress(ConsumerFailed):
        await InProcessSink([consumer], retries=retries).deliver(an_event())
    [failed] = [entry for entry in logs if entry["event"] == "events.handler_failed"]
    assert (failed["error"], "exc_info" in failed) == (
        "RouterInvalidationFailed: the router cannot be reached: ECONNREFUSED",
        False,
    )


async def test_the_in_process_sink_logs_a_failing_handler_with_its_traceback(
    failing: OnceByEventId, retries: HandlerRetries
) -> None:
    with capture_logs() as logs, contextlib.suppress(ConsumerFailed):
        await InProcessSink([failing], retries=retries).deliver(an_event())
    [failed] = [entry for entry in logs if entry["event"] == "events.handler_failed"]
    assert isinstance(failed["exc_info"], RuntimeError)
