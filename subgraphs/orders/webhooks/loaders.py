"""The per-request loader of endpoints' deliveries: the deliveries of every endpoint of a listing page
come from one query, not one per endpoint."""

from __future__ import annotations

import uuid
from collections import defaultdict

from aiodataloader import DataLoader

from subgraphs.common.auth import Caller
from subgraphs.common.db import RequestSession
from subgraphs.common.use_cases import RequestDeps
from subgraphs.orders.webhooks import service
from subgraphs.orders.webhooks.models import DeliveryRecord

# An endpoint and the page asked of its deliveries (`first`, `after`).
DeliveryPageKey = tuple[uuid.UUID, int | None, str | None]


class DeliveryPages:
    def __init__(self, db: RequestSession, caller: Caller) -> None:
        async def fetch(keys: list[DeliveryPageKey]) -> list[service.Page[DeliveryRecord]]:
            by_page: dict[tuple[int | None, str | None], list[uuid.UUID]] = defaultdict(list)
            for endpoint_id, first, after in keys:
                by_page[(first, after)].append(endpoint_id)
            pages: dict[DeliveryPageKey, service.Page[DeliveryRecord]] = {}
            for (first, after), endpoint_ids in by_page.items():
                async with db.use() as session:
                    found = await service.recent_deliveries(
                        RequestDeps(session, caller), endpoint_ids, first=first, after=after
                    )
                pages.update({(endpoint_id, first, after): page for endpoint_id, page in found.items()})
            return [pages[key] for key in keys]

        self._loader: DataLoader[DeliveryPageKey, service.Page[DeliveryRecord]] = DataLoader(
            batch_load_fn=fetch
        )

    async def load(
        self, endpoint_id: uuid.UUID, *, first: int | None, after: str | None
    ) -> service.Page[DeliveryRecord]:
        return await self._loader.load((endpoint_id, first, after))
