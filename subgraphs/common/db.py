"""The async engine, sessions, and the one session a request uses.

Each subgraph keeps its tables in its own PostgreSQL schema (named in its SQLModel metadata), so the
three subgraphs can share one database in development and be split apart later without a rename.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.errors import ConflictError

SessionFactory = async_sessionmaker[AsyncSession]


def async_database_url(url: str) -> str:
    """Accept `postgresql://` and `postgres://` URLs too, and use asyncpg for them."""
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2"}:
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def create_engine(
    url: str, *, pool_size: int, application_name: str, server_settings: Mapping[str, str] | None = None
) -> AsyncEngine:
    """An asyncpg engine whose connections name the subgraph in `pg_stat_activity`.

    `server_settings` are session settings every connection starts with (e.g. a pg_trgm threshold).
    """
    return create_async_engine(
        async_database_url(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        connect_args={"server_settings": {"application_name": application_name, **(server_settings or {})}},
    )


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    """Sessions that keep loaded rows usable after commit (responses are built after the commit)."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


CONFLICT_STATES = {"23505": "unique violation", "23503": "foreign key violation"}


async def flush_or_conflict(session: AsyncSession, message: str, **details: Any) -> None:
    """Flush pending writes; a unique or foreign-key violation becomes CONFLICT with `message`."""
    try:
        await session.flush()
    except IntegrityError as error:
        state = getattr(error.orig, "sqlstate", None) or getattr(
            getattr(error.orig, "__cause__", None), "sqlstate", None
        )
        if state in CONFLICT_STATES or "unique" in str(error.orig).lower():
            raise ConflictError(message, **details) from error
        raise


def apply_changes(row: SQLModel, changes: Mapping[str, Any]) -> None:
    """Set `changes` on a loaded row and stamp its `updated_at`."""
    for name, value in changes.items():
        setattr(row, name, value)
    row.updated_at = datetime.now(UTC)


class RequestSession:
    """The single database session of one request, opened on first use and closed with the request.

    GraphQL runs sibling fields concurrently, but a session (one connection) runs one statement at a
    time, so every use goes through `use()`, which takes the session's lock.
    """

    def __init__(self, factory: SessionFactory) -> None:
        self._factory = factory
        self._session: AsyncSession | None = None
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def use(self) -> AsyncIterator[AsyncSession]:
        """Borrow the request's session exclusively; a failed unit of work is rolled back."""
        async with self._lock:
            if self._session is None:
                self._session = self._factory()
            try:
                yield self._session
            except BaseException:
                await self._session.rollback()
                raise

    async def close(self) -> None:
        """Give the connection back to the pool; called when the response has been sent."""
        if self._session is not None:
            await self._session.close()
            self._session = None
