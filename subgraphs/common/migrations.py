"""Alembic migrations per subgraph, each in its own PostgreSQL schema, run on start-up or by command.

Alembic is configured in code (no alembic.ini): each subgraph's `migrations/env.py` calls `run_env`,
and `upgrade` points Alembic at that folder. An advisory lock keeps two processes starting at once from
migrating the same schema together. `is_behind` tells whether a schema still lacks migrations this code
has, so a deployment can hold a new release back until its migrations have run (`gocart migrate --check`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import ResolutionError
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


def is_behind(database_url: str, source: MigrationSource) -> bool:
    """Whether the subgraph's schema lacks migrations this code has: never migrated, or at a revision
    older than the head. A revision this code does not know was written by a newer release: not behind
    (schema changes are additive, so this code still runs on it; docs/deploy.md)."""
    scripts = ScriptDirectory.from_config(alembic_config(database_url, source))
    applied = asyncio.run(_applied_heads(database_url, source.schema))
    if not applied:
        return True
    heads = set(scripts.get_heads())
    return any(revision not in heads and _known(scripts, revision) for revision in applied)


def _known(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        return scripts.revision_map.get_revision(revision) is not None
    except ResolutionError:
        return False


async def _applied_heads(database_url: str, schema: str) -> tuple[str, ...]:
    engine = create_async_engine(async_database_url(database_url), poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: MigrationContext.configure(
                    sync, opts={"version_table_schema": schema}
                ).get_current_heads()
            )
    finally:
        await engine.dispose()


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
