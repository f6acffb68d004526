"""Use cases run with the request's dependencies bound once, on the request's one session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.auth import Caller, Principal, Role
from subgraphs.common.db import RequestSession, async_database_url, create_session_factory
from subgraphs.common.use_cases import RequestDeps, UseCaseRunner


@dataclass(frozen=True)
class ShopDeps(RequestDeps):
    currency: str


class ShopContext(UseCaseRunner[ShopDeps]):
    def __init__(self, db: RequestSession, caller: Caller) -> None:
        self.db = db
        self.caller = caller

    def bind(self, session: AsyncSession) -> ShopDeps:
        return ShopDeps(session=session, caller=self.caller, currency="EUR")


async def priced(deps: ShopDeps, amount: int, *, note: str) -> str:
    one = (await deps.session.exec(text("SELECT 1"))).scalar_one()  # type: ignore[call-overload]
    who = deps.caller.subject if isinstance(deps.caller, Principal) else None
    return f"{amount * one} {deps.currency} {note} for {who}"


@pytest.fixture
async def plain_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(async_database_url(database_url))
    yield engine
    await engine.dispose()


@pytest.fixture
async def request_session(plain_engine: AsyncEngine) -> AsyncIterator[RequestSession]:
    db = RequestSession(create_session_factory(plain_engine))
    yield db
    await db.close()


async def test_run_passes_the_bound_dependencies_and_the_arguments(request_session: RequestSession) -> None:
    context = ShopContext(request_session, Principal(subject="user-1", role=Role.CUSTOMER))

    answer = await context.run(priced, 5, note="net")

    assert answer == "5 EUR net for user-1"


async def test_every_call_of_a_request_shares_its_one_session(request_session: RequestSession) -> None:
    context = ShopContext(request_session, Principal(subject="user-1", role=Role.CUSTOMER))

    async with context.deps() as first:
        pass
    async with context.deps() as second:
        pass

    assert first.session is second.session
