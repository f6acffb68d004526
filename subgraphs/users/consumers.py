"""What the users subgraph does with domain events: `entity-cache` drops a deleted account from the
Redis entity cache again, so an invalidation that failed where the change was made still happens."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.context import AppResources
from subgraphs.common.event_consumers import EventConsumer
from subgraphs.common.events import DomainEvent
from subgraphs.users.caches import UserCaches


def user_consumers(resources: AppResources) -> Sequence[EventConsumer]:
    caches = UserCaches.create(resources.redis, resources.settings)

    async def forget_user(_session: AsyncSession, event: DomainEvent) -> None:
        await caches.users.invalidate([uuid.UUID(event.aggregate_id)])

    return (EventConsumer(name="entity-cache", patterns=("user.deleted",), handle=forget_user),)
