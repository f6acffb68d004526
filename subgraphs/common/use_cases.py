"""Running a use case with the request's dependencies bound once.

A service function (a use case) takes one `RequestDeps` (the request's session and caller, plus what
its subgraph adds: caches, clients) as its first argument, then its own input. A resolver then reads
as one line of parsing, one call and one mapping:

    record = await info.context.run(catalogue.create_product, parse_input(ProductCreate, input))
    return Product.from_record(record)

`run` borrows the request's one session for the call (its lock and its outage handling, see
`RequestSession.use`), so sibling fields never share a connection at the same time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Concatenate, Generic, ParamSpec, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.auth import Caller
from subgraphs.common.db import RequestSession


@dataclass(frozen=True)
class RequestDeps:
    """What every use case needs from its request; subgraphs extend it with their own."""

    session: AsyncSession
    caller: Caller


DepsT = TypeVar("DepsT", bound=RequestDeps)
Params = ParamSpec("Params")
Result = TypeVar("Result")


class UseCaseRunner(Generic[DepsT]):
    """Mixed into a subgraph's request context, which says how to `bind` its dependencies."""

    db: RequestSession

    def bind(self, session: AsyncSession) -> DepsT:
        """This request's dependencies around `session`."""
        raise NotImplementedError

    @asynccontextmanager
    async def deps(self) -> AsyncIterator[DepsT]:
        """The dependencies, for a resolver that makes several calls in one borrowing of the session."""
        async with self.db.use() as session:
            yield self.bind(session)

    async def run(
        self,
        use_case: Callable[Concatenate[DepsT, Params], Awaitable[Result]],
        /,
        *args: Params.args,
        **kwargs: Params.kwargs,
    ) -> Result:
        """`use_case(deps, *args, **kwargs)` with this request's dependencies."""
        async with self.deps() as deps:
            return await use_case(deps, *args, **kwargs)
