"""`gocart migrate` as a deployment runs it: a Job that migrates with only a database URL, and the
subgraphs' init containers that wait (`--check --wait`) until the migrations are in."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from gocart.cli import SUBGRAPHS
from gocart.migration_check import MigrationState, check_migrations
from subgraphs.common.db import async_database_url
from subgraphs.common.migrations import upgrade
from testbed.database import scratch_database
from tests.support.services import ServiceUrls

pytestmark = pytest.mark.slow  # runs gocart migrate as processes against real databases

SOURCES = {name: subgraph.migrations for name, subgraph in SUBGRAPHS.items()}
UNREACHABLE = "postgresql://postgres@127.0.0.1:1/gocart"


@pytest.fixture
async def fresh_database(services: ServiceUrls) -> AsyncIterator[str]:
    async with scratch_database(services.database_url) as url:
        yield url


def gocart(*args: str, database_url: str, cwd: Path) -> subprocess.Popen[str]:
    """The CLI in a folder of its own, with only a database URL: nothing else configured."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GOCART_")}
    env["GOCART_DATABASE_URL"] = database_url
    return subprocess.Popen(  # noqa: S603  (our own CLI, fixed arguments)
        [sys.executable, "-m", "gocart.cli", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finished(process: subprocess.Popen[str]) -> tuple[int, str]:
    output, _ = process.communicate(timeout=120)
    return process.returncode, output


async def set_revision(database_url: str, schema: str, revision: str) -> None:
    engine = create_async_engine(async_database_url(database_url))
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(f'UPDATE "{schema}".alembic_version SET version_num = :r'),  # noqa: S608  (our schema)
                {"r": revision},
            )
    finally:
        await engine.dispose()


def test_a_database_never_migrated_is_behind_for_every_subgraph(fresh_database: str) -> None:
    assert check_migrations(fresh_database, SOURCES) == MigrationState(behind=("users", "products", "orders"))


def test_migrate_with_only_a_database_url_writes_nothing_beside_it(
    fresh_database: str, tmp_path: Path
) -> None:
    code, output = finished(gocart("migrate", database_url=fresh_database, cwd=tmp_path))

    assert code == 0, output
    assert "Migrations applied: users, products, orders" in output
    assert list(tmp_path.iterdir()) == []  # no embedded server, key or password was made
    assert check_migrations(fresh_database, SOURCES).current


def test_migrate_named_subgraphs_leaves_the_others_behind(fresh_database: str, tmp_path: Path) -> None:
    code, output = finished(gocart("migrate", "users", database_url=fresh_database, cwd=tmp_path))

    assert code == 0, output
    assert check_migrations(fresh_database, SOURCES).behind == ("products", "orders")


def test_check_fails_while_migrations_are_missing(fresh_database: str, tmp_path: Path) -> None:
    code, output = finished(gocart("migrate", "--check", "orders", database_url=fresh_database, cwd=tmp_path))

    assert code == 1
    assert "migrations not applied yet: orders" in output


def test_check_waits_until_another_process_has_migrated(fresh_database: str, tmp_path: Path) -> None:
    waiting = gocart("migrate", "--check", "--wait", "120", database_url=fresh_database, cwd=tmp_path)
    assert waiting.stdout is not None
    first_line = waiting.stdout.readline()  # it has checked once and is waiting

    for source in SOURCES.values():
        upgrade(fresh_database, source)
    code, output = finished(waiting)

    assert first_line.startswith("Waiting: migrations not applied yet: users, products, orders")
    assert code == 0, output
    assert "Migrations: every schema is up to date" in output


def test_a_revision_from_a_newer_release_is_not_behind(fresh_database: str) -> None:
    for source in SOURCES.values():
        upgrade(fresh_database, source)
    asyncio.run(set_revision(fresh_database, SOURCES["products"].schema, "9999_from_a_newer_release"))

    assert check_migrations(fresh_database, SOURCES).current


def test_check_waits_out_an_unreachable_database_and_says_so(tmp_path: Path) -> None:
    code, output = finished(
        gocart("migrate", "--check", "--wait", "0", database_url=UNREACHABLE, cwd=tmp_path)
    )

    assert code == 1
    assert "the database is unreachable" in output
