"""The users subgraph's per-request loaders."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from subgraphs.common.db import RequestSession
from subgraphs.common.loaders import CachedLoader
from subgraphs.users import repository
from subgraphs.users.caches import UserCaches
from subgraphs.users.models import UserRecord


class UserLoaders:
    """`users`: by id through Redis, then one SQL query for the misses (deleted accounts included)."""

    def __init__(self, db: RequestSession, caches: UserCaches) -> None:
        async def fetch_users(ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, UserRecord]:
            async with db.use() as session:
                return await repository.get_users(session=session, ids=ids)

        self.users: CachedLoader[uuid.UUID, UserRecord] = CachedLoader(caches.users, fetch_users)
