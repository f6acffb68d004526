"""Alembic migrations per subgraph, each in its own PostgreSQL schema, run on start-up or by command.

Alembic is configured in code (no alembic.ini): each subgraph's `migrations/env.py` calls `run_env`,
and `upgrade` points Alembic at that folder. An advisory lock keeps two processes starting at once from
migrating the same schema together.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from subgraphs.common.db import async_database_url


@dataclass(frozen=True)
class MigrationSource:
    """Where a subgraph's migrations live and which schema they own."""

    script_location: Path
    schema: str


def alembic_config(database_url: str, source: MigrationSource) -> Config:
    config = Config()
    config.set_main_option("script_location", str(source.script_location))
    config.attributes["database_url"] = async_database_url(database_url)
    config.attributes["schema"] = source.schema
    return config


def upgrade(database_url: str, source: MigrationSource, revision: str = "head") -> None:
    """Bring the subgraph's schema to `revision` (blocking; Alembic runs its own event loop)."""
    command.upgrade(alembic_config(database_url, source), revision)


async def upgrade_async(database_url: str, source: MigrationSource) -> None:
    """`upgrade` from inside a running event loop (app start-up), on a worker thread."""
    await asyncio.to_thread(upgrade, database_url, source)


def run_env(target_metadata: MetaData) -> None:
    """The body of every subgraph's `migrations/env.py` (online mode only: we always have a database)."""
    config = context.config
    url: str = config.attributes["database_url"]
    schema: str = config.attributes["schema"]

    def migrate(connection: Connection) -> None:
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:schema))"), {"schema": schema})
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            version_table_schema=schema,
            include_schemas=False,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()

    async def run() -> None:
        engine = create_async_engine(url, poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                await connection.run_sync(migrate)
        finally:
            await engine.dispose()

    asyncio.run(run())
