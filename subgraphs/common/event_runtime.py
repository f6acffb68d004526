"""Starting a subgraph's events machinery with the app: the outbox relay and the consumers.

With `amqp_url` set, the relay publishes to RabbitMQ and the consumers read their own queues there;
without it (`gocart dev` with no broker), the relay hands each event straight to this process's
consumers. Either way the events come from the same outbox. Besides the subgraph's own consumers, every
subgraph runs `router-cache` (router_notifier.py) when it knows the router's invalidation API.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from subgraphs.common.amqp import AmqpSink, BrokerAddress, QueueBinding, consume_forever
from subgraphs.common.context import AppResources
from subgraphs.common.db import SessionFactory, create_engine, create_session_factory
from subgraphs.common.event_consumers import EventConsumer, InProcessSink, OnceByEventId
from subgraphs.common.event_relay import EventSink, OutboxRelay, RelayMetrics, RelayPolicy
from subgraphs.common.events import EventTables
from subgraphs.common.handler_retries import HandlerRetries
from subgraphs.common.outbox_pruning import OutboxPruner, PrunePolicy
from subgraphs.common.router_notifier import notifier_from_settings, router_cache_consumers
from subgraphs.common.settings import SubgraphSettings
from subgraphs.common.tasks import stop_tasks

EVENTS_POOL_SIZE = 4


@dataclass(frozen=True)
class EventSetup:
    """A subgraph's outbox tables and the consumers it runs (built once the app's resources exist)."""

    tables: EventTables
    consumers: Callable[[AppResources], Sequence[EventConsumer]] = lambda _resources: ()


def queue_name(settings: SubgraphSettings, subgraph: str, consumer: str) -> str:
    return f"{settings.events_queue_prefix}.{subgraph}.{consumer}"


def broker_address(settings: SubgraphSettings) -> BrokerAddress | None:
    if settings.amqp_url is None:
        return None
    return BrokerAddress(url=settings.amqp_url.get_secret_value(), exchange=settings.events_exchange)


def outbox_pruner(
    settings: SubgraphSettings, sessions: SessionFactory, tables: EventTables
) -> OutboxPruner | None:
    """The relay's pruner, unless sent rows are kept forever (`event_retention_seconds` 0)."""
    if settings.event_retention_seconds <= 0:
        return None
    policy = PrunePolicy(
        retention=timedelta(seconds=settings.event_retention_seconds),
        batch_size=settings.event_prune_batch_size,
    )
    return OutboxPruner(sessions=sessions, tables=tables, policy=policy)


@contextlib.asynccontextmanager
async def run_events(
    *, subgraph: str, resources: AppResources, setup: EventSetup, metrics: RelayMetrics | None = None
) -> AsyncIterator[OutboxRelay]:
    """Run the relay (unless its interval is 0) and the consumers while the app runs.

    They have a small connection pool of their own, so a burst of requests never starves the relay
    of connections, nor the relay the requests."""
    settings = resources.settings
    engine = create_engine(
        settings.require_database_url(),
        pool_size=EVENTS_POOL_SIZE,
        application_name=f"gocart-{subgraph}-events",
        connect_timeout_seconds=settings.db_connect_timeout_seconds,
        pool_timeout_seconds=settings.db_pool_timeout_seconds,
    )
    sessions = create_session_factory(engine)
    notifier = notifier_from_settings(settings)
    consumers = [
        OnceByEventId(consumer, sessions=sessions, tables=setup.tables)
        for consumer in (*setup.consumers(resources), *router_cache_consumers(subgraph, notifier))
    ]
    address = broker_address(settings)
    retries = HandlerRetries(
        max_attempts=settings.event_max_attempts,
        first_pause_seconds=settings.event_retry_seconds,
        max_pause_seconds=settings.event_max_retry_seconds,
    )
    sink: EventSink
    tasks: list[asyncio.Task[None]] = []
    if address is None:
        sink = InProcessSink(consumers, retries=retries)
    else:
        amqp_sink = AmqpSink(address)
        sink = amqp_sink
        bindings = [
            QueueBinding(
                queue=queue_name(settings, subgraph, once.consumer.name),
                patterns=once.consumer.patterns,
                handle=once.handle_event,
                retries=retries,
            )
            for once in consumers
        ]
        if bindings:
            tasks.append(asyncio.create_task(consume_forever(address, bindings)))
    relay = OutboxRelay(
        sessions=sessions,
        tables=setup.tables,
        sink=sink,
        policy=RelayPolicy(
            batch_size=settings.event_relay_batch_size,
            interval_seconds=settings.event_relay_interval_seconds,
            max_backoff_seconds=settings.event_relay_max_backoff_seconds,
        ),
        metrics=metrics,
        pruner=outbox_pruner(settings, sessions, setup.tables),
    )
    if settings.event_relay_interval_seconds > 0:
        tasks.append(asyncio.create_task(relay.run_forever()))
    try:
        yield relay
    finally:
        await stop_tasks(*tasks)
        if address is not None:
            await amqp_sink.close()
        if notifier is not None:
            await notifier.aclose()
        await engine.dispose()
