"""The per-request context of the users subgraph: loaders, caches, sign-in machinery, client address.

It binds the use cases' dependencies (`UsersDeps`) once, so resolvers call `info.context.run(...)`.
"""

from __future__ import annotations

from fastapi import Request
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.callers import Caller
from subgraphs.common.context import AppResources, SubgraphContext
from subgraphs.common.use_cases import UseCaseRunner
from subgraphs.users.caches import UserCaches
from subgraphs.users.deps import Security, UsersDeps
from subgraphs.users.loaders import UserLoaders


class UsersContext(UseCaseRunner[UsersDeps], SubgraphContext):
    def __init__(
        self,
        *,
        resources: AppResources,
        caller: Caller,
        request_id: str,
        security: Security,
        client_address: str | None,
    ) -> None:
        super().__init__(resources=resources, caller=caller, request_id=request_id)
        self.security = security
        self.client_address = client_address
        self.caches = UserCaches.create(
            resources.redis, resources.settings, resources.metrics, resources.decoded
        )
        self.loaders = UserLoaders(self.db, self.caches)

    def bind(self, session: AsyncSession) -> UsersDeps:
        return UsersDeps(
            session=session,
            caller=self.caller,
            caches=self.caches,
            security=self.security,
            client_address=self.client_address,
        )


def client_address(request: Request) -> str | None:
    """Who is calling, for throttling: the peer, or behind the router (a trusted proxy) the client it
    saw, as subgraphs/common/client_address.py resolved it. Never a hop the caller wrote itself."""
    return request.client.host if request.client else None
