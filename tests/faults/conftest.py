"""Fixtures of the fault tests: a Redis and a PostgreSQL of the test's own, which it may stop and restart
(never the shared services the other tests use)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.servers import OwnPostgres, OwnRedis


@pytest.fixture
def own_redis() -> Iterator[OwnRedis]:
    """A running Redis of this test's own (`.url`, `.stop()`, `.start()`)."""
    server = OwnRedis()
    server.start()
    try:
        yield server
    finally:
        if server.running:
            server.stop()


@pytest.fixture
def own_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnPostgres]:
    """A running PostgreSQL of this test's own with an empty `gocart` database (`.url`, `.stop()`,
    `.start()`); migrations are the test's to run (subgraph apps run theirs on start-up)."""
    folder: Path = tmp_path_factory.mktemp("own-postgres") / "data"
    server = OwnPostgres(folder)
    try:
        yield server
    finally:
        server.close()
