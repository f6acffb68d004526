"""Where the tests' PostgreSQL and Redis come from.

In CI (CI=true) they are the servers at 127.0.0.1, and the run fails if those are unreachable. Elsewhere
the order is: URLs from GOCART_TEST_DATABASE_URL / GOCART_TEST_REDIS_URL, then containers where a
Docker engine answers, then the embedded servers, so a machine with only Python runs the suite too.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from gocart.embedded import EmbeddedServers, start_postgres, start_redis

CI_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
CI_REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass(frozen=True)
class ServiceUrls:
    database_url: str  # an admin connection: tests create and drop their own database through it
    redis_url: str
    source: str


class ServiceUnavailable(RuntimeError):
    pass


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url.replace("+asyncpg", ""))
    if parsed.scheme == "unix" or not parsed.hostname:
        return True
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def _require(urls: ServiceUrls) -> ServiceUrls:
    for url, port, name in ((urls.database_url, 5432, "PostgreSQL"), (urls.redis_url, 6379, "Redis")):
        if not _reachable(url, port):
            raise ServiceUnavailable(f"{name} is not reachable at {url} ({urls.source})")
    return urls


def _docker_engine_running() -> bool:
    with contextlib.suppress(Exception):
        import docker

        docker.from_env(timeout=2).ping()
        return True
    return False


@contextlib.contextmanager
def _containers() -> Iterator[ServiceUrls]:
    from testcontainers.postgres import PostgresContainer
    from testcontainers.redis import RedisContainer

    with PostgresContainer("postgres:16", driver="asyncpg") as postgres, RedisContainer("redis:7") as redis:
        redis_url = f"redis://{redis.get_container_host_ip()}:{redis.get_exposed_port(6379)}/0"
        yield ServiceUrls(postgres.get_connection_url(), redis_url, "testcontainers")


@contextlib.contextmanager
def embedded_data_dir() -> Iterator[Path]:
    """A data folder for embedded servers outside pytest's temporary root.

    Run as root, embedded PostgreSQL runs as its own system user and needs to traverse the folder's
    parents; every pytest session resets its temporary root to owner-only, which would lock it out.
    """
    folder = Path(tempfile.mkdtemp(prefix="gocart-test-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def provide_services(scratch: Path) -> Iterator[ServiceUrls]:
    """The services for one test session, by the rules above."""
    if os.environ.get("CI", "").lower() == "true":
        yield _require(ServiceUrls(CI_DATABASE_URL, CI_REDIS_URL, "CI services at 127.0.0.1"))
        return
    database_url = os.environ.get("GOCART_TEST_DATABASE_URL")
    redis_url = os.environ.get("GOCART_TEST_REDIS_URL")
    if database_url and redis_url:
        yield _require(ServiceUrls(database_url, redis_url, "GOCART_TEST_*_URL"))
        return
    if _docker_engine_running():
        with _containers() as urls:
            yield urls
        return
    servers = EmbeddedServers()
    yield ServiceUrls(start_postgres(scratch, servers), start_redis(scratch, servers), "embedded servers")
    servers.stop_redis()
