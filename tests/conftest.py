"""Session-wide fixtures: the real PostgreSQL and Redis the tests run against, and a token key pair."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from redis.asyncio import Redis

from gocart.compose import SUPERGRAPH
from gocart.processes import Supervisor, base_url, router_process, subgraph_process
from gocart.servers import free_port
from router.config import RouterSettings
from subgraphs.common.auth import Role
from subgraphs.common.redis import create_redis
from subgraphs.common.settings import SubgraphSettings
from subgraphs.common.signing import SigningKey
from subgraphs.orders.config import OrdersSettings
from subgraphs.products.config import ProductsSettings
from subgraphs.users.config import UsersSettings
from subgraphs.users.main import JWKS_PATH
from tests.subgraphs.users.builders import BOOTSTRAP_ADMIN
from tests.support.database import scratch_database
from tests.support.services import ServiceUnavailable, ServiceUrls, embedded_data_dir, provide_services

ISSUER = "gocart-users"
AUDIENCE = "gocart"


@pytest.fixture(scope="session")
def services() -> Iterator[ServiceUrls]:
    try:
        with embedded_data_dir() as scratch, provide_services(scratch) as urls:
            yield urls
    except ServiceUnavailable as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
async def database_url(services: ServiceUrls) -> AsyncIterator[str]:
    """A fresh database for this test session, dropped at the end."""
    async with scratch_database(services.database_url) as url:
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


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return SigningKey.generate()


class Tokens:
    """Mints access tokens signed by the test key pair, as the users subgraph will."""

    def __init__(self, key: SigningKey) -> None:
        self.key = key

    def for_role(self, role: Role, subject: str | None = None, ttl_seconds: int = 600) -> str:
        return self.key.mint(
            subject=subject or f"{role}-{uuid.uuid4().hex[:6]}",
            role=role,
            issuer=ISSUER,
            audience=AUDIENCE,
            ttl_seconds=ttl_seconds,
        )

    @property
    def admin(self) -> str:
        return self.for_role(Role.ADMIN, "admin-1")

    @property
    def customer(self) -> str:
        return self.for_role(Role.CUSTOMER, "customer-1")

    @property
    def service(self) -> str:
        return self.for_role(Role.SERVICE, "orders")


@pytest.fixture(scope="session")
def tokens(signing_key: SigningKey) -> Tokens:
    return Tokens(signing_key)


# ---------------------------------------------------------------- the whole stack, as processes

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Stack:
    supervisor: Supervisor
    urls: dict[str, str]

    def graphql_url(self, service: str = "router") -> str:
        return f"{self.urls[service]}/graphql"


@pytest.fixture(scope="session")
def stack(
    database_url: str, services: ServiceUrls, cache_namespace: str, signing_key: SigningKey
) -> Iterator[Stack]:
    ports: dict[str, int] = {}
    for name, base in (("users", 47200), ("products", 47100), ("orders", 47300), ("router", 47000)):
        ports[name] = free_port(HOST, base, taken=list(ports.values()))
    common: dict[str, Any] = {
        "host": HOST,
        "database_url": SecretStr(database_url),
        "redis_url": SecretStr(services.redis_url),
        "cache_namespace": cache_namespace,
        "jwt_issuer": ISSUER,
        "jwt_audience": AUDIENCE,
        "log_level": "WARNING",
    }
    jwks_url = f"http://{HOST}:{ports['users']}{JWKS_PATH}"
    subgraphs: dict[str, SubgraphSettings] = {
        "users": UsersSettings(
            **common,
            port=ports["users"],
            jwt_private_key=SecretStr(signing_key.private_pem()),
            bootstrap_admin_email=BOOTSTRAP_ADMIN[0],
            bootstrap_admin_password=SecretStr(BOOTSTRAP_ADMIN[1]),
            trust_forwarded_for=True,
        ),
        "products": ProductsSettings(**common, port=ports["products"], jwt_jwks_url=jwks_url),
        "orders": OrdersSettings(
            **common,
            port=ports["orders"],
            jwt_jwks_url=jwks_url,
            products_url=f"http://{HOST}:{ports['products']}/graphql",
            service_signing_key_pem=SecretStr(signing_key.private_pem()),
            products_timeout_seconds=2.0,
            breaker_reset_seconds=1.0,
        ),
    }
    urls = {name: base_url(settings) for name, settings in subgraphs.items()}
    router = RouterSettings(
        supergraph=SUPERGRAPH,
        host=HOST,
        port=ports["router"],
        subgraph_urls={name: f"{url}/graphql" for name, url in urls.items()},
        jwt_jwks_url=jwks_url,
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
    )
    urls["router"] = base_url(router)
    specs = [subgraph_process(name, settings) for name, settings in subgraphs.items()]
    specs.append(router_process(router))
    supervisor = Supervisor(specs, cwd=ROOT)
    supervisor.start()
    try:
        supervisor.wait_until_ready()
        yield Stack(supervisor, urls)
    finally:
        supervisor.stop()
