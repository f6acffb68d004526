"""The command line: settings from arguments and environment, and a real process that stops on SIGTERM."""

from __future__ import annotations

import gc
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import uvicorn
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from router.server import cli
from router.server.cli import parse_args, settings_from
from tests.router.servers import free_port

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("unfrozen_heap")]  # runs the router as processes


def test_arguments_override_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GOCART_ROUTER_PORT", "4100")
    monkeypatch.setenv("GOCART_ROUTER_HOST", "127.0.0.2")
    monkeypatch.setenv("GOCART_ROUTER_SUBGRAPH_URLS", '{"products": "http://p:1/graphql"}')
    settings = settings_from(parse_args(["--supergraph", str(tmp_path / "s.graphql"), "--port", "4200"]))
    assert settings.port == 4200
    assert settings.host == "127.0.0.2"
    assert settings.supergraph == tmp_path / "s.graphql"
    assert settings.subgraph_urls == {"products": "http://p:1/graphql"}


@pytest.mark.parametrize("setting", ["true", "false"])
def test_access_log_setting_reaches_the_server(
    monkeypatch: pytest.MonkeyPatch, supergraph_file: Path, setting: str
) -> None:
    served: dict[str, object] = {}
    monkeypatch.setenv("GOCART_ROUTER_ACCESS_LOG", setting)
    monkeypatch.setattr(cli, "configure_logging", lambda **_: None)  # leaves this process's logging be
    monkeypatch.setattr(uvicorn, "run", lambda _app, **options: served.update(options))
    cli.main(["--supergraph", str(supergraph_file)])
    assert served["access_log"] is (setting == "true")


async def test_the_router_freezes_its_heap_once_its_lifespan_has_built_the_gateway(
    monkeypatch: pytest.MonkeyPatch, supergraph_file: Path
) -> None:
    served: list[Starlette] = []
    monkeypatch.setattr(cli, "configure_logging", lambda **_: None)
    monkeypatch.setattr(uvicorn, "run", lambda app, **_options: served.append(app))
    cli.main(["--supergraph", str(supergraph_file)])
    assert gc.get_freeze_count() == 0

    async with LifespanManager(served[0]):
        assert gc.get_freeze_count() > 0
        assert not any(alive is served[0].state.gateway for alive in gc.get_objects())  # frozen


def test_process_serves_health_and_exits_on_sigterm(supergraph_file: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "router", "--supergraph", str(supergraph_file), "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        deadline = time.monotonic() + 60  # a start-up bound on a busy machine, not a speed check
        status = None
        while time.monotonic() < deadline and status != 200:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code
            except httpx.TransportError:
                time.sleep(0.05)
        assert status == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal it handled
    finally:
        if process.poll() is None:
            process.kill()


def test_unusable_supergraph_stops_before_serving(tmp_path: Path) -> None:
    broken = tmp_path / "broken.graphql"
    broken.write_text("type Query {", encoding="utf-8")
    command = [sys.executable, "-m", "router", "--supergraph", str(broken), "--port", str(free_port())]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)  # noqa: S603
    assert finished.returncode != 0
    assert "cannot use supergraph" in finished.stderr
