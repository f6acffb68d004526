"""Two router processes on one Redis namespace spend one budget: what one replica allowed, the other
counts too, so a client cannot multiply its limit by spreading requests over replicas."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from gocart.processes import Supervisor, router_process
from gocart.servers import free_port
from router.config import RateLimitSettings, RouterSettings
from tests.router.edge.conftest import TYPENAME
from tests.support.services import ServiceUrls
from tests.support.stack import HOST, ROOT

pytestmark = pytest.mark.slow  # two router processes share one budget

BURST = 4


@pytest.fixture
def replicas(bare_supergraph: Path, services: ServiceUrls, rate_namespace: str) -> Iterator[tuple[str, str]]:
    """The `/graphql` URLs of two router processes sharing the tests' Redis and one namespace."""
    ports: list[int] = []
    for _ in range(2):
        ports.append(free_port(HOST, 47_500, taken=ports))
    limits = RateLimitSettings(per_address_burst=BURST, per_address_per_second=0.001)
    specs = [
        dataclasses.replace(
            router_process(
                RouterSettings(
                    supergraph=bare_supergraph,
                    host=HOST,
                    port=port,
                    redis_url=SecretStr(services.redis_url),
                    redis_namespace=rate_namespace,
                    rate_limit=limits,
                )
            ),
            name=f"router-{index}",
        )
        for index, port in enumerate(ports)
    ]
    supervisor = Supervisor(specs, cwd=ROOT)
    supervisor.start()
    try:
        supervisor.wait_until_ready()
        yield f"http://{HOST}:{ports[0]}/graphql", f"http://{HOST}:{ports[1]}/graphql"
    finally:
        supervisor.stop()


async def test_two_router_processes_share_one_budget(replicas: tuple[str, str]) -> None:
    first, second = replicas
    async with httpx.AsyncClient(timeout=10) as client:
        spent = [
            (await client.post(url, json=TYPENAME)).status_code for url in (first, second) * (BURST // 2)
        ]
        assert spent == [200] * BURST
        for url in (first, second):
            refused = await client.post(url, json=TYPENAME)
            assert refused.status_code == 429
            assert int(refused.headers["retry-after"]) >= 1
