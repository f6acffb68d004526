"""Schemathesis against the live OpenAPI document: every endpoint, valid and invalid inputs (mode
`all`), a bounded number of examples each. No answer may be a 5xx or break the document (status code,
content type, body schema), and invalid input must be refused with a 4xx.

The REST layer is served over real HTTP in a thread of its own, in front of the real router and
subgraphs; requests carry an admin's token so the write paths are exercised, not only refused.
Schemathesis runs as its own command, exactly as it would against any deployment.
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
from subgraphs.common.signing import SigningKey
from tests.subgraphs.users.builders import BOOTSTRAP_ADMIN
from tests.support.database import scratch_database
from tests.support.servers import ThreadServer
from tests.support.services import ServiceUrls
from tests.support.stack import Stack, running_stack

CI_SEED = "20261125"
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
)


@pytest.fixture(scope="module")
async def isolated_stack(services: ServiceUrls, signing_key: SigningKey) -> AsyncIterator[Stack]:
    """A stack of its own, on a database and Redis namespace of its own: schemathesis changes and deletes
    whatever it finds (it reuses ids from earlier answers), so it must not share the session's data."""
    async with scratch_database(services.database_url) as database_url:
        with running_stack(
            database_url=database_url,
            redis_url=services.redis_url,
            namespace=f"gocart-contract-{uuid.uuid4().hex[:8]}",
            key=signing_key,
        ) as running:
            yield running


@pytest.fixture(scope="module")
def rest_server(isolated_stack: Stack) -> Iterator[ThreadServer]:
    router_url = f"{isolated_stack.urls['router']}/graphql"
    server = ThreadServer(lambda: create_app(RestSettings(router_url=router_url)))
    server.start()
    yield server
    server.stop()


def admin_token(base_url: str) -> str:
    login = {"email": BOOTSTRAP_ADMIN[0], "password": BOOTSTRAP_ADMIN[1]}
    token: str = httpx.post(f"{base_url}/users/login", json=login, timeout=30).json()["access_token"]
    return token


def test_the_live_api_honours_its_openapi_document(rest_server: ThreadServer, tmp_path: Path) -> None:
    executable = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"
    command = [
        executable,
        "run",
        f"{rest_server.base_url}/openapi.json",
        "--checks",
        ",".join(CHECKS),
        "--mode",
        "all",
        "--max-examples",
        "12",
        "--phases",
        "examples,coverage,fuzzing",
        "--header",
        f"Authorization: Bearer {admin_token(rest_server.base_url)}",
        "--request-timeout",
        "30",
        "--no-color",
    ]
    if os.environ.get("CI", "").lower() == "true":
        command += ["--seed", CI_SEED]  # CI is reproducible; local runs explore new inputs each time
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=tmp_path, check=False)  # noqa: S603
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
