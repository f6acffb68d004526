"""Session-wide fixtures: the real PostgreSQL and Redis the tests run against, and a token key pair."""

from __future__ import annotations

import gc
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from subgraphs.common.redis import create_redis
from subgraphs.common.signing import SigningKey
from testbed.database import scratch_database
from tests.support.logs import route_structlog_through_logging
from tests.support.services import ServiceUnavailable, ServiceUrls, embedded_data_dir, provide_services
from tests.support.stack import Stack, running_stack
from tests.support.tokens import Tokens

# Tests here run the whole stack as processes, or servers of their own: end-to-end, and slow.
END_TO_END_FOLDERS = tuple(Path(__file__).parent / folder for folder in ("e2e", "faults"))


def pytest_configure() -> None:
    route_structlog_through_logging()


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks what no test file should have to remember, so `pytest -m "not slow"` leaves it out: `e2e`
    and `slow` under tests/e2e and tests/faults, and `slow` wherever the `stack` processes are used."""
    for item in items:
        if any(item.path.is_relative_to(folder) for folder in END_TO_END_FOLDERS):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.slow)
        elif "stack" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def services() -> Iterator[ServiceUrls]:
    try:
        with embedded_data_dir() as scratch, provide_services(scratch) as urls:
            yield urls
    except ServiceUnavailable as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
async def database_url(services: ServiceUrls) -> AsyncIterator[str]:
    """A fresh database for this test session, dropped at the end; its commits do not wait for the
    disk (testbed/database.py)."""
    async with scratch_database(services.database_url, durable=False) as url:
        yield url


@pytest.fixture(scope="session")
def cache_namespace() -> str:
    """Every Redis key the tests write starts with this, so a shared Redis stays usable."""
    return f"gocart-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
async def redis(services: ServiceUrls, cache_namespace: str) -> AsyncIterator[Redis]:
    client = create_redis(services.redis_url)
    yield client
    keys = [key async for key in client.scan_iter(match=f"{cache_namespace}:*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


@pytest.fixture
def closed_redis_url() -> Iterator[str]:
    """A Redis URL whose port is bound but not listening: every connection is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as bound:
        bound.bind(("127.0.0.1", 0))
        yield f"redis://127.0.0.1:{bound.getsockname()[1]}/0"


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    """The users subgraph's key in tests: it signs people's tokens (customer, admin)."""
    return SigningKey.generate()


@pytest.fixture(scope="session")
def service_key() -> SigningKey:
    """The orders subgraph's own key in tests: it signs service tokens, and only those verify."""
    return SigningKey.generate()


@pytest.fixture(scope="session")
def tokens(signing_key: SigningKey, service_key: SigningKey) -> Tokens:
    return Tokens(signing_key, service_key)


# ---------------------------------------------------------------- the whole stack, as processes


@pytest.fixture(scope="session")
def stack(
    database_url: str,
    services: ServiceUrls,
    cache_namespace: str,
    signing_key: SigningKey,
    service_key: SigningKey,
) -> Iterator[Stack]:
    """The subgraphs and the router as processes, on the session's database."""
    with running_stack(
        database_url=database_url,
        redis_url=services.redis_url,
        namespace=cache_namespace,
        key=signing_key,
        service_key=service_key,
    ) as running:
        yield running


@pytest.fixture
def unfrozen_heap() -> Iterator[None]:
    """Nothing is frozen when the test starts (a service's start-up freezes its heap), and the test
    process's objects go back to the collector afterwards."""
    gc.unfreeze()
    yield
    gc.unfreeze()
