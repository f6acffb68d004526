"""Schemathesis against the live OpenAPI document: every check it has (`--checks all`: no 5xx, status
codes, content types, headers and bodies as documented, valid input accepted and invalid refused,
`Allow` and 405s, authentication enforced where declared, a deleted resource gone) over all its phases
(examples, coverage, fuzzing, and the stateful phase that follows the document's links: create, read,
update, delete). Any violation fails the test.

The REST layer is served over real HTTP in a thread of its own, in front of the real router and
subgraphs on a seeded catalogue. Schemathesis runs as its own command, exactly as it would against any
deployment, with the hooks of `schemathesis_hooks` (the rules no JSON Schema can state). Two runs: every
operation with an admin's token (the write paths are exercised, not only refused), then the order
operations with a customer's (only customers place orders).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from rest_compat.app import create_app
from rest_compat.config import RestSettings
from subgraphs.common.db import create_engine
from subgraphs.common.signing import SigningKey
from subgraphs.products.seed import seed
from testbed.database import scratch_database
from tests.subgraphs.users.builders import BOOTSTRAP_ADMIN, PASSWORD
from tests.support.servers import ThreadServer
from tests.support.services import ServiceUrls
from tests.support.stack import Stack, running_stack

pytestmark = pytest.mark.slow  # a stack of its own, and schemathesis runs as processes

ROOT = Path(__file__).resolve().parents[2]
CI_SEED = "20261125"
HOOKS = "tests.rest_compat.schemathesis_hooks"
# Bounded so that both runs take about two minutes on CI's two cores.
EXAMPLES_PER_OPERATION = 40
ORDER_EXAMPLES_PER_OPERATION = 25


@pytest.fixture(scope="module")
async def isolated_stack(services: ServiceUrls, signing_key: SigningKey) -> AsyncIterator[Stack]:
    """A stack of its own, on a database and Redis namespace of its own: schemathesis changes and deletes
    whatever it finds (it reuses ids from earlier answers), so it must not share the session's data.
    The demo catalogue is seeded, so that the document's examples and orders find real products."""
    async with scratch_database(services.database_url) as database_url:
        with running_stack(
            database_url=database_url,
            redis_url=services.redis_url,
            namespace=f"gocart-contract-{uuid.uuid4().hex[:8]}",
            key=signing_key,
        ) as running:
            engine = create_engine(database_url, pool_size=1, application_name="gocart-contract-seed")
            try:
                await seed(engine)
            finally:
                await engine.dispose()
            yield running


@pytest.fixture(scope="module")
def rest_server(isolated_stack: Stack) -> Iterator[ThreadServer]:
    settings = RestSettings(
        router_url=isolated_stack.graphql_url(), router_proxy_secret=isolated_stack.proxy_secret
    )
    server = ThreadServer(lambda: create_app(settings))
    server.start()
    yield server
    server.stop()


def access_token(base_url: str, email: str, password: str) -> str:
    login = httpx.post(f"{base_url}/users/login", json={"email": email, "password": password}, timeout=30)
    assert login.status_code == 200, login.text
    token: str = login.json()["access_token"]
    return token


@pytest.fixture(scope="module")
def customer_token(rest_server: ThreadServer) -> str:
    email = f"contract-{uuid.uuid4().hex[:8]}@example.com"
    registration = {"first_name": "Grace", "last_name": "Hopper", "email": email, "password": PASSWORD}
    registered = httpx.post(f"{rest_server.base_url}/users/register", json=registration, timeout=30)
    assert registered.status_code == 201, registered.text
    return access_token(rest_server.base_url, email, PASSWORD)


def schemathesis(base_url: str, token: str, workdir: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """`schemathesis run` with every check and phase; a fixed seed under CI, a new one elsewhere."""
    executable = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"
    command = [
        executable,
        "run",
        f"{base_url}/openapi.json",
        "--checks",
        "all",
        "--mode",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--header",
        f"Authorization: Bearer {token}",
        "--request-timeout",
        "30",
        "--no-color",
        *options,
    ]
    if os.environ.get("CI", "").lower() == "true":
        command += ["--seed", CI_SEED]  # CI is reproducible; local runs explore new inputs each time
    python_path = [str(ROOT), str(ROOT / "rest-compat"), os.environ.get("PYTHONPATH", "")]
    environment = {**os.environ, "SCHEMATHESIS_HOOKS": HOOKS, "PYTHONPATH": os.pathsep.join(python_path)}
    return subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, timeout=900, cwd=workdir, env=environment, check=False
    )


def test_the_live_api_honours_its_openapi_document(rest_server: ThreadServer, tmp_path: Path) -> None:
    token = access_token(rest_server.base_url, *BOOTSTRAP_ADMIN)

    result = schemathesis(
        rest_server.base_url, token, tmp_path, "--max-examples", str(EXAMPLES_PER_OPERATION)
    )

    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]


def test_placing_orders_honours_the_openapi_document(
    rest_server: ThreadServer, customer_token: str, tmp_path: Path
) -> None:
    result = schemathesis(
        rest_server.base_url,
        customer_token,
        tmp_path,
        "--include-path-regex",
        "^/api/v1/orders",
        "--max-examples",
        str(ORDER_EXAMPLES_PER_OPERATION),
    )

    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
