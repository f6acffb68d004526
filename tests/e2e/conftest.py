"""The whole supergraph as real processes: the three subgraphs and the router, each its own uvicorn
server on its own port, talking real HTTP, on the test session's PostgreSQL and Redis.

Tests speak to the router only, as a storefront does; they may stop one service to cause an outage.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from gocart.compose import SUPERGRAPH
from gocart.processes import Supervisor, base_url, router_process, subgraph_process
from gocart.servers import free_port
from router.config import RouterSettings
from subgraphs.common.settings import SubgraphSettings
from subgraphs.common.signing import SigningKey
from subgraphs.orders.config import OrdersSettings
from subgraphs.products.config import ProductsSettings
from subgraphs.users.config import UsersSettings
from subgraphs.users.main import JWKS_PATH
from tests.conftest import AUDIENCE, ISSUER
from tests.subgraphs.users.builders import BOOTSTRAP_ADMIN
from tests.support.graphql import GraphQLClient
from tests.support.services import ServiceUrls

ROOT = Path(__file__).resolve().parents[2]
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


@pytest.fixture
async def router(stack: Stack) -> AsyncIterator[GraphQLClient]:
    async with httpx.AsyncClient(base_url=stack.urls["router"], timeout=30) as client:
        yield GraphQLClient(client)
