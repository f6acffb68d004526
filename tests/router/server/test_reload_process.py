"""Hot reload in a real router process (`python -m router`, configured through its environment): a
changed file is served, SIGHUP reloads, a broken file is refused with its reason logged."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from gocart.processes import router_process
from router.config import HotReloadSettings, RouterSettings
from tests.router.server.reloading import WAIT_SECONDS, replace_file, shop_supergraph, short_sha256
from tests.router.servers import free_port

pytestmark = pytest.mark.slow  # each case starts a router process

ROOT = Path(__file__).resolve().parents[3]


@dataclass
class RouterProcess:
    process: subprocess.Popen[bytes]
    base_url: str
    log: Path

    def health(self) -> dict[str, object] | None:
        try:
            response = httpx.get(f"{self.base_url}/health", timeout=1)
        except httpx.TransportError:
            return None
        body: dict[str, object] = response.json()
        return body

    def serves(self, text: str) -> bool:
        health = self.health()
        return health is not None and health.get("supergraph_sha256") == short_sha256(text)

    def query(self, query: str) -> object:
        return httpx.post(f"{self.base_url}/graphql", json={"query": query}, timeout=10).json()

    def logged(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def wait_until(condition: Callable[[], bool], what: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"the router exited (code {process.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"not {what} after {WAIT_SECONDS} s")
        time.sleep(0.05)


@pytest.fixture
def live_supergraph(tmp_path: Path) -> Path:
    path = tmp_path / "supergraph.graphql"
    path.write_text(shop_supergraph(), encoding="utf-8")
    return path


def start_router(
    tmp_path: Path, live_supergraph: Path, subgraph_urls: dict[str, str], poll_seconds: float
) -> Iterator[RouterProcess]:
    settings = RouterSettings(
        supergraph=live_supergraph,
        port=free_port(),
        subgraph_urls=subgraph_urls,
        hot_reload=HotReloadSettings(poll_seconds=poll_seconds),
    )
    spec = router_process(settings)
    log = tmp_path / "router.log"
    with log.open("wb") as output:  # the router logs to stdout, as every Gocart process does
        process = subprocess.Popen(  # noqa: S603  (our own interpreter and module)
            spec.argv, cwd=ROOT, env={**os.environ, **spec.env}, stdout=output, stderr=subprocess.STDOUT
        )
    router = RouterProcess(process, f"http://{settings.host}:{settings.port}", log)
    try:
        wait_until(lambda: router.health() is not None, "serving", process)
        yield router
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def polling_router(
    tmp_path: Path, live_supergraph: Path, subgraph_urls: dict[str, str]
) -> Iterator[RouterProcess]:
    yield from start_router(tmp_path, live_supergraph, subgraph_urls, poll_seconds=0.1)


@pytest.fixture
def signalled_router(
    tmp_path: Path, live_supergraph: Path, subgraph_urls: dict[str, str]
) -> Iterator[RouterProcess]:
    # Polling every hour: only SIGHUP can make a change show during the test.
    yield from start_router(tmp_path, live_supergraph, subgraph_urls, poll_seconds=3600)


def test_router_process_serves_a_changed_supergraph_file(
    polling_router: RouterProcess, live_supergraph: Path
) -> None:
    new = shop_supergraph(birth_date=True)
    replace_file(live_supergraph, new)
    wait_until(lambda: polling_router.serves(new), "serving the new supergraph", polling_router.process)
    assert polling_router.query("{ me { birthDate } }") == {"data": {"me": {"birthDate": "1815-12-10"}}}
    assert f"supergraph reload applied (poll): {live_supergraph}" in polling_router.logged()


def test_router_process_reloads_on_sighup(signalled_router: RouterProcess, live_supergraph: Path) -> None:
    new = shop_supergraph(birth_date=True)
    replace_file(live_supergraph, new)
    signalled_router.process.send_signal(signal.SIGHUP)
    wait_until(lambda: signalled_router.serves(new), "serving the new supergraph", signalled_router.process)
    assert signalled_router.process.poll() is None
    assert "supergraph reload applied (sighup)" in signalled_router.logged()


def test_router_process_logs_why_it_refused_a_supergraph(
    polling_router: RouterProcess, live_supergraph: Path
) -> None:
    replace_file(live_supergraph, shop_supergraph(accounts_in_query=False))
    refusal = "supergraph reload refused (poll): Query.me cannot be planned: no subgraph resolves Query.me"
    wait_until(lambda: refusal in polling_router.logged(), "logging the refusal", polling_router.process)
    assert polling_router.serves(shop_supergraph())
    assert polling_router.query("{ me { name } }") == {"data": {"me": {"name": "Ada Lovelace"}}}
