"""A throwaway database per test session, created and dropped through an admin connection."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from subgraphs.common.db import async_database_url


@asynccontextmanager
async def scratch_database(admin_url: str, *, durable: bool = True) -> AsyncIterator[str]:
    """A new, empty database's URL; dropped afterwards.

    `durable=False` turns off `synchronous_commit` for it (PostgreSQL's "non-durable settings" for
    throwaway data): a commit no longer waits for its WAL to reach the disk, a few milliseconds each
    here. Only a crash of the server could lose a commit, and the database is dropped anyway; what
    other sessions see and when is unchanged. Benchmarks keep the default, as production runs.
    """
    name = f"gocart_test_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(async_database_url(admin_url), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
            if not durable:
                await connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
        yield make_url(async_database_url(admin_url)).set(database=name).render_as_string(hide_password=False)
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()
