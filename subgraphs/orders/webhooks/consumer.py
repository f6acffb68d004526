"""The orders subgraph's `webhooks` event consumer: every event (`#`) is queued, in the consumer's
transaction, for the endpoints that want it; the worker (`worker.py`) sends it later.

With the broker it reads every subgraph's events from the exchange; without one, the in-process relay
hands it the orders subgraph's own events only (docs/events.md, "Webhooks").
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.context import AppResources
from subgraphs.common.event_consumers import EventConsumer
from subgraphs.common.events import DomainEvent
from subgraphs.orders.webhooks import service

CONSUMER_NAME = "webhooks"


async def queue_for_endpoints(session: AsyncSession, event: DomainEvent) -> None:
    await service.queue_event(session, event)


def webhook_consumers(_resources: AppResources) -> Sequence[EventConsumer]:
    return (EventConsumer(name=CONSUMER_NAME, patterns=("#",), handle=queue_for_endpoints),)
