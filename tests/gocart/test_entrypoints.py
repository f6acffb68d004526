"""Each service's own console script, started as its image starts it: the router and the REST layer
without the `[subgraphs]` and `[local]` extras, each subgraph without `[local]`, and `gocart-healthcheck`
probing them where their settings say they listen.

The images are not built here (no Docker engine), so "without an extra" is a process in which importing
any module of that extra's distributions fails (tests/support/without_modules.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from gocart.compose import SUPERGRAPH
from gocart.healthcheck import Address, probe_url
from gocart.processes import ProcessSpec, Supervisor, settings_env
from rest_compat.config import RestSettings
from subgraphs.common.settings import SubgraphSettings
from subgraphs.common.signing import SigningKey
from subgraphs.orders.config import OrdersSettings
from subgraphs.products.config import ProductsSettings
from subgraphs.users.config import UsersSettings
from testbed.ports import unused_port
from tests.support.project import ROOT, console_scripts, modules_of_extras
from tests.support.services import ServiceUrls

pytestmark = pytest.mark.slow  # starts each service's console script as a process

EDGE_LEAVES_OUT = ("subgraphs", "local")  # the router's and the REST layer's images
SUBGRAPHS_LEAVE_OUT = ("local",)  # the subgraphs' images


def clean_env(settings: Mapping[str, str]) -> dict[str, str]:
    """This environment without any GOCART_ setting, then `settings`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GOCART_")}
    return {**env, **settings}


def without_extras(command: str, extras: tuple[str, ...], *arguments: str) -> list[str]:
    """The argv that runs console script `command` in a process where `extras` are not installed."""
    refused = ",".join(sorted(modules_of_extras(*extras)))
    entry = console_scripts()[command]
    return [sys.executable, "-m", "tests.support.without_modules", refused, entry, *arguments]


@dataclass(frozen=True)
class Running:
    port: int
    env: dict[str, str]

    def get(self, path: str) -> tuple[int, bytes]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as response:
            return response.status, response.read()


@contextmanager
def running(name: str, argv: list[str], env: dict[str, str], port: int, ready_path: str) -> Iterator[Running]:
    supervisor = Supervisor([ProcessSpec(name, argv, env, f"http://127.0.0.1:{port}{ready_path}")], cwd=ROOT)
    supervisor.start()
    try:
        supervisor.wait_until_ready()
        yield Running(port, env)
    finally:
        supervisor.stop()


def healthcheck(env: Mapping[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    """`gocart-healthcheck`, run in the service's environment as the image's HEALTHCHECK runs it."""
    entry = console_scripts()["gocart-healthcheck"]
    module, _, function = entry.partition(":")
    code = f"import sys; from {module} import {function}; sys.exit({function}())"
    return subprocess.run(  # noqa: S603  (our own module, fixed arguments)
        [sys.executable, "-c", code, *arguments],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def router(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """gocart-router without the subgraphs' and the local extras, its port set in its YAML file."""
    port = unused_port()
    config = tmp_path_factory.mktemp("router") / "router.yaml"
    config.write_text(json.dumps({"port": port, "supergraph": str(SUPERGRAPH)}), encoding="utf-8")
    env = clean_env({"GOCART_ROUTER_CONFIG": str(config)})
    with running("router", without_extras("gocart-router", EDGE_LEAVES_OUT), env, port, "/health") as service:
        yield service


@pytest.fixture(scope="module")
def rest() -> Iterator[Running]:
    port = unused_port()
    settings = RestSettings(port=port, router_url="http://127.0.0.1:9/graphql")
    env = clean_env(settings_env(settings))
    with running("rest", without_extras("gocart-rest", EDGE_LEAVES_OUT), env, port, "/health") as service:
        yield service


def subgraph_settings(
    name: str, port: int, services: ServiceUrls, database_url: str, key: SigningKey
) -> SubgraphSettings:
    common: dict[str, Any] = {
        "port": port,
        "database_url": SecretStr(database_url),
        "redis_url": SecretStr(services.redis_url),
        "cache_namespace": f"gocart-test-entrypoints-{name}",
        "log_level": "WARNING",
    }
    if name == "users":
        return UsersSettings(**common, jwt_private_key=SecretStr(key.private_pem()))
    if name == "products":
        return ProductsSettings(**common, jwt_jwks=SecretStr(key.jwks()))
    return OrdersSettings(
        **common,
        jwt_jwks=SecretStr(key.jwks()),
        service_signing_key_pem=SecretStr(key.private_pem()),
        products_url="http://127.0.0.1:9/graphql",
        stock_task_interval_seconds=0,
    )


@pytest.fixture(scope="module")
def users(services: ServiceUrls, database_url: str, signing_key: SigningKey) -> Iterator[Running]:
    port = unused_port()
    env = clean_env(settings_env(subgraph_settings("users", port, services, database_url, signing_key)))
    with running(
        "users", without_extras("gocart-users", SUBGRAPHS_LEAVE_OUT), env, port, "/ready"
    ) as service:
        yield service


def test_the_router_serves_a_query_without_the_subgraph_and_local_extras(router: Running) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{router.port}/graphql",
        data=json.dumps({"query": "{ __typename }"}).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        body = json.loads(response.read())

    assert body == {"data": {"__typename": "Query"}}


def test_the_rest_layer_serves_its_docs_without_the_subgraph_and_local_extras(rest: Running) -> None:
    status, page = rest.get("/docs")

    assert status == 200
    assert b"swagger-ui" in page


@pytest.mark.parametrize("name", ["products", "orders"])
def test_a_subgraph_command_is_ready_without_the_local_extra(
    name: str, services: ServiceUrls, database_url: str, signing_key: SigningKey
) -> None:
    port = unused_port()
    env = clean_env(settings_env(subgraph_settings(name, port, services, database_url, signing_key)))
    argv = without_extras(f"gocart-{name}", SUBGRAPHS_LEAVE_OUT)

    with running(name, argv, env, port, "/ready") as service:
        status, body = service.get("/ready")

    assert status == 200
    assert json.loads(body)["database"] == "ok"


def test_the_users_command_is_ready_without_the_local_extra(users: Running) -> None:
    status, body = users.get("/ready")

    assert status == 200
    assert json.loads(body)["database"] == "ok"


def test_a_subgraph_command_does_not_start_without_the_subgraphs_extra(
    services: ServiceUrls, database_url: str, signing_key: SigningKey
) -> None:
    """The check above refuses what it says: a subgraph needs `[subgraphs]`, and says which module."""
    settings = subgraph_settings("users", unused_port(), services, database_url, signing_key)

    completed = subprocess.run(  # noqa: S603  (our own modules)
        without_extras("gocart-users", ("subgraphs",)),
        cwd=ROOT,
        env=clean_env(settings_env(settings)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode != 0
    assert "ModuleNotFoundError" in completed.stderr
    assert "not installed here" in completed.stderr


def test_gocart_serve_is_the_subgraph_command_under_its_old_name(
    services: ServiceUrls, database_url: str, signing_key: SigningKey
) -> None:
    port = unused_port()
    env = clean_env(settings_env(subgraph_settings("products", port, services, database_url, signing_key)))
    argv = [sys.executable, "-m", "gocart.cli", "serve", "products"]

    with running("products", argv, env, port, "/ready") as service:
        status, _ = service.get("/health")

    assert status == 200


def test_gocart_without_the_local_extra_says_how_to_get_the_embedded_servers(tmp_path: Path) -> None:
    env = clean_env({"GOCART_DATA_DIR": str(tmp_path)})

    completed = subprocess.run(  # noqa: S603  (our own modules)
        without_extras("gocart", SUBGRAPHS_LEAVE_OUT, "migrate"),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode == 1
    assert 'pip install -e ".[local]"' in completed.stderr
    assert "GOCART_DATABASE_URL" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_healthcheck_passes_where_the_routers_config_file_says_it_listens(router: Running) -> None:
    completed = healthcheck(router.env, "router")

    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""


def test_healthcheck_passes_for_the_rest_layer_on_its_configured_port(rest: Running) -> None:
    completed = healthcheck(rest.env, "rest")

    assert completed.returncode == 0, completed.stderr


def test_healthcheck_ready_passes_while_the_subgraphs_database_and_redis_answer(users: Running) -> None:
    completed = healthcheck(users.env, "users", "--ready")

    assert completed.returncode == 0, completed.stderr


def test_healthcheck_fails_with_the_reason_when_nothing_listens() -> None:
    port = unused_port()

    completed = healthcheck(clean_env({"GOCART_PRODUCTS_PORT": str(port)}), "products")

    assert completed.returncode == 1
    assert f"products: http://127.0.0.1:{port}/health is unreachable" in completed.stderr


def test_healthcheck_fails_when_the_services_settings_are_invalid() -> None:
    completed = healthcheck(clean_env({"GOCART_USERS_PORT": "not-a-port"}), "users")

    assert completed.returncode == 1
    assert "users: its settings are invalid" in completed.stderr


def test_healthcheck_refuses_ready_for_a_service_without_it() -> None:
    completed = healthcheck(clean_env({}), "router", "--ready")

    assert completed.returncode == 2
    assert "router has no /ready" in completed.stderr


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("0.0.0.0", "http://127.0.0.1:4002/health"),  # noqa: S104
        ("::", "http://[::1]:4002/health"),
        ("10.1.2.3", "http://10.1.2.3:4002/health"),
        ("fd00::7", "http://[fd00::7]:4002/health"),
    ],
)
def test_probe_url_reaches_a_wildcard_listener_on_loopback(host: str, expected: str) -> None:
    assert probe_url(Address(host, 4002), "/health") == expected


def spawned_children(pid: int) -> list[str]:
    """The command lines of a process's children that multiprocessing spawned (uvicorn's workers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    lines = [Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode() for child in children]
    return [line for line in lines if "spawn_main" in line]


def test_a_subgraph_with_two_workers_answers_from_two_worker_processes(
    services: ServiceUrls, database_url: str, signing_key: SigningKey
) -> None:
    port = unused_port()
    settings = subgraph_settings("products", port, services, database_url, signing_key)
    env = clean_env({**settings_env(settings), "GOCART_PRODUCTS_WORKERS": "2"})
    argv = [sys.executable, "-m", "gocart.serve", "products"]
    supervisor = Supervisor([ProcessSpec("products", argv, env, f"http://127.0.0.1:{port}/ready")], cwd=ROOT)
    supervisor.start()
    try:
        supervisor.wait_until_ready()
        status, _ = Running(port, env).get("/ready")
        workers = spawned_children(supervisor.process("products").pid)
    finally:
        supervisor.stop()

    assert (status, len(workers)) == (200, 2)
