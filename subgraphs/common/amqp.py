"""RabbitMQ through aio-pika: the relay's sink (a topic exchange, publisher confirms, persistent
messages) and the consumers' durable queues with a dead-letter queue.

Routing keys are event types (`order.paid`), so a consumer binds the patterns it wants (`order.*`).
Each consumer's queue is a quorum queue whose `x-delivery-limit` dead-letters a message that failed
`max_attempts` times into `<queue>.dead`; a message that is not an event at all goes there at once.
A consumer handles one message at a time, so the events of one aggregate are handled in order, until
one fails: those delivered behind it are handled before it is redelivered (`_handle_message`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import aio_pika
import structlog
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractExchange, AbstractIncomingMessage
from pydantic import ValidationError

from subgraphs.common.events import DomainEvent
from subgraphs.common.handler_failures import failure_log_fields
from subgraphs.common.handler_retries import HandlerRetries

log = structlog.get_logger(__name__)

EventHandler = Callable[[DomainEvent], Awaitable[None]]


@dataclass(frozen=True)
class BrokerAddress:
    url: str
    exchange: str
    connect_timeout_seconds: float = 5.0


def dead_letter_queue(queue: str) -> str:
    return f"{queue}.dead"


async def _declare_exchange(channel: AbstractChannel, name: str) -> AbstractExchange:
    return await channel.declare_exchange(name, aio_pika.ExchangeType.TOPIC, durable=True)


class AmqpSink:
    """Publishes events to the topic exchange and waits for their publisher confirms: one at a time
    (`deliver`), or several at once with their confirms awaited together (`deliver_many`, one round
    trip for all rather than one each). The connection is opened on first use and again after any
    failure, so a broker that was down is picked up by itself."""

    def __init__(self, address: BrokerAddress) -> None:
        self._address = address
        self._connection: AbstractConnection | None = None
        self._exchange: AbstractExchange | None = None

    async def _ready(self) -> AbstractExchange:
        if self._exchange is None:
            self._connection = await aio_pika.connect(
                self._address.url, timeout=self._address.connect_timeout_seconds
            )
            channel = await self._connection.channel(publisher_confirms=True)
            self._exchange = await _declare_exchange(channel, self._address.exchange)
        return self._exchange

    async def deliver(self, event: DomainEvent) -> None:
        try:
            await self._publish(await self._ready(), event)
        except BaseException:
            await self.close()
            raise

    async def deliver_many(self, events: Sequence[DomainEvent]) -> list[BaseException | None]:
        """Publish all, then await all their confirms; each event's error, or None. Order among them is
        not kept (the relay passes events of distinct aggregates)."""
        try:
            exchange = await self._ready()
            outcomes = await asyncio.gather(
                *(self._publish(exchange, event) for event in events), return_exceptions=True
            )
        except BaseException:
            await self.close()
            raise
        errors = [_publish_error(outcome) for outcome in outcomes]
        if any(error is not None for error in errors):
            await self.close()  # whatever went wrong, the next attempt starts on a fresh channel
        return errors

    async def _publish(self, exchange: AbstractExchange, event: DomainEvent) -> None:
        await exchange.publish(
            aio_pika.Message(
                event.to_json(),
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                message_id=str(event.id),
                type=event.type,
                timestamp=event.time,
                headers={
                    "aggregate_id": event.aggregate_id,
                    "aggregate_version": event.aggregate_version,
                },
            ),
            routing_key=event.routing_key,
            mandatory=False,
            timeout=self._address.connect_timeout_seconds,
        )

    async def close(self) -> None:
        connection, self._connection, self._exchange = self._connection, None, None
        if connection is not None:
            try:
                await connection.close()
            except Exception as error:  # a connection already broken: nothing left to close
                log.debug("amqp.close_failed", error=str(error))


def _publish_error(outcome: object) -> BaseException | None:
    """A gathered publish's error (None: confirmed). One cancelled under us (its channel closed while
    this task was not cancelled) is a failed publish, not a reason to stop the relay."""
    if isinstance(outcome, asyncio.CancelledError):
        return ConnectionError("the publish was cancelled: the channel closed")
    return outcome if isinstance(outcome, BaseException) else None


@dataclass(frozen=True)
class QueueBinding:
    """One consumer's queue: its name, the routing-key patterns it binds, and its handler."""

    queue: str
    patterns: Sequence[str]
    handle: EventHandler
    retries: HandlerRetries = field(default_factory=HandlerRetries)

    @property
    def max_attempts(self) -> int:
        return self.retries.max_attempts


async def declare_queue(channel: AbstractChannel, exchange: AbstractExchange, binding: QueueBinding) -> None:
    """The durable queue, its dead-letter queue, and its bindings (idempotent)."""
    await channel.declare_queue(dead_letter_queue(binding.queue), durable=True)
    queue = await channel.declare_queue(
        binding.queue,
        durable=True,
        arguments={
            "x-queue-type": "quorum",
            "x-delivery-limit": binding.max_attempts - 1,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": dead_letter_queue(binding.queue),
        },
    )
    for pattern in binding.patterns:
        await queue.bind(exchange, routing_key=pattern)


async def _handle_message(binding: QueueBinding, message: AbstractIncomingMessage) -> None:
    try:
        event = DomainEvent.model_validate_json(message.body)
    except ValidationError as error:
        log.error("events.poison_message", queue=binding.queue, error=str(error)[:500])
        await message.reject(requeue=False)  # dead-lettered at once: retrying cannot help
        return
    try:
        await binding.handle(event)
    except asyncio.CancelledError:
        await message.nack(requeue=True)  # not a failed attempt: RabbitMQ 4.3+ does not count it
        raise
    except Exception as error:
        failures = _deliveries_before(message) + 1
        log.error(
            "events.handler_failed",
            queue=binding.queue,
            event_id=str(event.id),
            type=event.type,
            attempt=failures,
            retry_in=binding.retries.pause_after(failures),
            **failure_log_fields(error),
        )
        # The broker would redeliver a requeued message at once: the pause before the reject spaces
        # the attempts. The messages already delivered behind this one (up to the prefetch) wait out
        # the pause, then are handled before its redelivery: a retried event can be overtaken by
        # later ones, those of its own aggregate too.
        await binding.retries.wait_after(failures)
        # A reject, not a nack: RabbitMQ 4.3+ counts only a rejected message in a quorum queue's
        # `x-delivery-count` (earlier versions count both); dead-lettered after max_attempts.
        await message.reject(requeue=True)
        return
    await message.ack()


def _deliveries_before(message: AbstractIncomingMessage) -> int:
    """How often the message was delivered before: a quorum queue counts it in `x-delivery-count`."""
    count = (message.headers or {}).get("x-delivery-count", 0)
    return count if isinstance(count, int) else 0


async def consume_forever(
    address: BrokerAddress,
    bindings: Sequence[QueueBinding],
    *,
    retry_seconds: float = 1.0,
    max_retry_seconds: float = 30.0,
    prefetch: int = 20,
) -> None:
    """Consume every binding's queue until cancelled, reconnecting (with a growing pause) while the
    broker is unreachable."""
    delay = retry_seconds
    while True:
        try:
            connection = await aio_pika.connect(address.url, timeout=address.connect_timeout_seconds)
            async with connection:
                channel = await connection.channel()
                await channel.set_qos(prefetch_count=prefetch)
                exchange = await _declare_exchange(channel, address.exchange)
                closed = asyncio.Event()
                connection.close_callbacks.add(_on_close(closed))
                for binding in bindings:
                    await declare_queue(channel, exchange, binding)
                    queue = await channel.get_queue(binding.queue, ensure=False)
                    await queue.consume(_serial(binding))
                delay = retry_seconds
                log.info("events.consuming", queues=[binding.queue for binding in bindings])
                await closed.wait()
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.warning(
                "events.consumer_reconnecting", error=f"{type(error).__name__}: {error}", retry_in=delay
            )
        await asyncio.sleep(delay)
        delay = min(max_retry_seconds, delay * 2)


def _on_close(closed: asyncio.Event) -> Callable[..., None]:
    def mark_closed(*_args: object) -> None:
        closed.set()

    return mark_closed


def _serial(binding: QueueBinding) -> Callable[[AbstractIncomingMessage], Awaitable[None]]:
    """A callback that handles the queue's messages one at a time, in the order they arrive."""
    lock = asyncio.Lock()

    async def on_message(message: AbstractIncomingMessage) -> None:
        async with lock:
            await _handle_message(binding, message)

    return on_message
