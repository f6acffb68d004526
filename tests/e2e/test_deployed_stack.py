"""The production overlay's pods run as processes (tests/support/local_cluster.py): the migration Job and
the init containers waiting for it, then the five services with exactly the settings the manifests give
them, their Secrets made as docs/deploy.md makes them. No cluster runs here; this is how far the
manifests' configuration is proved to work: a storefront's checkout through the router, and the REST
layer, on the real PostgreSQL and Redis."""

from __future__ import annotations

import hashlib
import os
import secrets
import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from gocart.keys import KeyFolder
from gocart.processes import Supervisor
from testbed.database import scratch_database
from tests.e2e.storefront import Storefront
from tests.subgraphs.users.builders import BOOTSTRAP_ADMIN
from tests.support.broker import amqp_url, bound_queue, drain, unique_name
from tests.support.graphql import GraphQLClient
from tests.support.local_cluster import LocalCluster
from tests.support.manifests import DEPLOY, ROOT, render, workloads
from tests.support.services import ServiceUrls

SUBGRAPHS = ("users", "products", "orders")


def cluster_secrets(keys: KeyFolder, database_url: str, redis_url: str) -> dict[str, dict[str, str]]:
    """The Secrets as docs/deploy.md creates them: the key folder's files, random and given values."""
    return {
        "gocart-users-keys": {
            "signing-key.pem": keys.signing_key_path.read_text(),
            "jwks.json": keys.published_jwks_path.read_text(),
        },
        "gocart-orders-service-key": {"service-key.pem": keys.service_key_path("orders").read_text()},
        "gocart-service-jwks": {"service-jwks.json": keys.service_jwks_path.read_text()},
        "gocart-proxy": {"proxy-secret": secrets.token_hex(32)},
        "gocart-invalidation": {"invalidation-secret": secrets.token_hex(32)},
        "gocart-admin": {"email": BOOTSTRAP_ADMIN[0], "password": BOOTSTRAP_ADMIN[1]},
        "gocart-datastores": {
            "users-database-url": database_url,
            "products-database-url": database_url,
            "orders-database-url": database_url,
            "migrations-database-url": database_url,
            "redis-url": redis_url,
            "amqp-url": amqp_url(),
        },
    }


@pytest.fixture(scope="module")
async def database(services: ServiceUrls) -> AsyncIterator[str]:
    async with scratch_database(services.database_url) as url:
        yield url


@pytest.fixture(scope="module")
def exchange() -> str:
    """The topic exchange of this stack's events only (the broker is shared with other tests)."""
    return unique_name("events")


@pytest.fixture(scope="module")
def cluster(
    database: str, services: ServiceUrls, exchange: str, tmp_path_factory: pytest.TempPathFactory
) -> LocalCluster:
    root = tmp_path_factory.mktemp("cluster")
    keys = KeyFolder.open(root / "vault" / "keys")
    namespace = f"gocart-test-{uuid.uuid4().hex[:8]}"  # every key this stack writes in the shared Redis
    extra = {
        name: {
            f"GOCART_{name.upper()}_CACHE_NAMESPACE": namespace,
            f"GOCART_{name.upper()}_EVENTS_EXCHANGE": exchange,
        }
        for name in SUBGRAPHS
    }
    extra["router"] = {"GOCART_ROUTER_REDIS_NAMESPACE": f"{namespace}-router"}
    return LocalCluster(
        render(DEPLOY / "overlays" / "production"),
        cluster_secrets(keys, database, services.redis_url),
        root,
        extra_env=extra,
    )


@pytest.fixture(scope="module")
def migrations_done(cluster: LocalCluster) -> dict[str, tuple[int, str]]:
    """Every init container started first, then the Job: how each ended, and what it printed."""
    started = {}
    job = None
    for workload in workloads(cluster.manifests):
        if workload.kind == "Job":
            job = workload
        for container in workload.pod.get("initContainers", []):
            started[workload.name] = cluster.run_to_completion(workload, container)
    assert job is not None
    started["job"] = cluster.run_to_completion(job, job.main)
    ended = {}
    for name, process in started.items():
        output, _ = process.communicate(timeout=300)
        ended[name] = (process.returncode, output)
    return ended


@pytest.fixture(scope="module")
def running(cluster: LocalCluster, migrations_done: dict[str, tuple[int, str]]) -> Iterator[LocalCluster]:
    assert all(code == 0 for code, _ in migrations_done.values()), migrations_done
    with pytest.MonkeyPatch.context() as patch:  # only the manifests configure the services
        for name in [name for name in os.environ if name.startswith("GOCART_")]:
            patch.delenv(name)
        supervisor = Supervisor(cluster.service_specs(), cwd=cluster.root)
        supervisor.start()
        try:
            supervisor.wait_until_ready()
            yield cluster
        finally:
            supervisor.stop()


@pytest.fixture
async def router(running: LocalCluster) -> AsyncIterator[GraphQLClient]:
    async with httpx.AsyncClient(base_url=running.url("router"), timeout=30) as client:
        yield GraphQLClient(client)


def test_the_init_containers_waited_for_the_job_and_the_job_migrated(
    migrations_done: dict[str, tuple[int, str]],
) -> None:
    assert {name: code for name, (code, _) in migrations_done.items()} == dict.fromkeys(
        [*SUBGRAPHS, "job"], 0
    )
    assert "Migrations applied: users, products, orders" in migrations_done["job"][1]
    for name in SUBGRAPHS:
        assert "Migrations: every schema is up to date" in migrations_done[name][1]


async def test_a_checkout_through_the_router_reaches_every_subgraph(router: GraphQLClient) -> None:
    """Signs in with the bootstrap admin from its Secret, and checks out: orders asks products for the
    stock with a service token signed by its own key, which products trusts from the services' JWKS."""
    storefront = Storefront(router)
    admin = await storefront.admin()
    product = await storefront.product(admin, f"Deployed Lamp {uuid.uuid4().hex[:6]}", stock=3)
    customer = await storefront.customer()

    order = (await storefront.place_order(customer, (product, 2))).ok()["placeOrder"]

    assert order["status"] == "PAID"
    assert order["items"][0]["product"]["id"] == product["id"]


async def test_a_checkout_publishes_its_events_to_the_broker_the_secret_names(
    router: GraphQLClient, exchange: str
) -> None:
    storefront = Storefront(router)
    admin = await storefront.admin()
    product = await storefront.product(admin, f"Deployed Mug {uuid.uuid4().hex[:6]}", stock=3)
    customer = await storefront.customer()
    async with bound_queue(exchange, "order.*") as queue:
        order = (await storefront.place_order(customer, (product, 1))).ok()["placeOrder"]
        received = await drain(queue, expected=2)

    assert [event.type for event in received if event.aggregate_id == order["id"]] == [
        "order.placed",
        "order.paid",
    ]


async def test_the_rest_layer_answers_through_the_router(running: LocalCluster) -> None:
    async with httpx.AsyncClient(base_url=running.url("rest"), timeout=30) as client:
        response = await client.get("/products", params={"limit": 1})

    assert response.status_code == 200, response.text


def test_every_subgraph_pod_is_ready_on_its_probe(running: LocalCluster) -> None:
    for name in SUBGRAPHS:
        response = httpx.get(f"{running.url(name)}/ready", timeout=10)
        assert response.json() == {"status": "ready", "database": "ok", "redis": "ok"}, name


def test_the_router_serves_the_supergraph_the_image_carries(running: LocalCluster) -> None:
    body = httpx.get(f"{running.url('router')}/health", timeout=10).json()
    carried = hashlib.sha256((ROOT / "schema" / "supergraph.graphql").read_bytes()).hexdigest()

    assert body["status"] == "UP"
    assert carried.startswith(body["supergraph_sha256"])
    assert set(body["subgraphs"]) == set(SUBGRAPHS)
