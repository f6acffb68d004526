"""Running the stack as one process per service, supervised: each service is its own uvicorn server on
its own port and core, configured through its environment; one Ctrl-C (or SIGTERM) stops them all."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, Protocol

from pydantic import BaseModel, SecretStr
from pydantic_core import to_jsonable_python
from pydantic_settings import BaseSettings

from rest_compat.config import RestSettings
from router.config import RouterSettings
from subgraphs.common.settings import SubgraphSettings

STOP_TIMEOUT_SECONDS = 10
READY_TIMEOUT_SECONDS = 90


def settings_env(settings: BaseSettings) -> dict[str, str]:
    """The environment that makes a service read exactly these settings (its own env prefix)."""
    prefix = str(type(settings).model_config.get("env_prefix", ""))
    env: dict[str, str] = {}
    for name in type(settings).model_fields:
        value: Any = getattr(settings, name)
        if value is None:
            continue
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        elif isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, BaseModel):
            value = value.model_dump_json()
        elif isinstance(value, dict | list | tuple):
            value = json.dumps(to_jsonable_python(value))  # networks, paths... as their text
        env[f"{prefix}{name}".upper()] = str(value)
    return env


@dataclass(frozen=True)
class ProcessSpec:
    """One service: the command that runs it, its environment, and the URL that says it is up."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str]
    health_url: str


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


class ServedSettings(Protocol):
    @property
    def host(self) -> str: ...

    @property
    def port(self) -> int: ...


def base_url(settings: ServedSettings) -> str:
    return f"http://{settings.host}:{settings.port}"


def subgraph_process(name: str, settings: SubgraphSettings) -> ProcessSpec:
    """A subgraph as `gocart serve NAME`, configured through its environment."""
    argv = python_module("gocart.cli", "serve", name)
    return ProcessSpec(name, argv, settings_env(settings), f"{base_url(settings)}/health")


def router_process(settings: RouterSettings) -> ProcessSpec:
    """Our router as `python -m router`, configured through its environment."""
    return ProcessSpec(
        "router", python_module("router"), settings_env(settings), f"{base_url(settings)}/health"
    )


def rest_process(settings: RestSettings) -> ProcessSpec:
    """The REST compatibility layer as `python -m rest_compat`, configured through its environment."""
    argv = python_module("rest_compat")
    return ProcessSpec("rest", argv, settings_env(settings), f"{base_url(settings)}/health")


def _is_up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310  (our own localhost URL)
            return bool(200 <= response.status < 300)
    except (urllib.error.URLError, OSError):
        return False


class Supervisor:
    """Starts every service, waits until each answers its health URL, and stops them all together."""

    def __init__(self, specs: Sequence[ProcessSpec], *, cwd: Path) -> None:
        self._specs = list(specs)
        self._cwd = cwd
        self._running: dict[str, subprocess.Popen[bytes]] = {}
        self._stopping = False

    def start(self) -> None:
        for spec in self._specs:
            self._spawn(spec)

    def _spawn(self, spec: ProcessSpec) -> None:
        env = {**os.environ, **spec.env}
        self._running[spec.name] = subprocess.Popen(spec.argv, cwd=self._cwd, env=env)  # noqa: S603

    def wait_until_ready(self, names: Sequence[str] | None = None) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        pending = {spec.name: spec.health_url for spec in self._specs if names is None or spec.name in names}
        while pending:
            for name, url in list(pending.items()):
                if self._running[name].poll() is not None:
                    raise RuntimeError(
                        f"{name} exited during start-up (code {self._running[name].returncode})"
                    )
                if _is_up(url):
                    del pending[name]
            if time.monotonic() > deadline:
                raise RuntimeError(f"not ready after {READY_TIMEOUT_SECONDS} s: {', '.join(sorted(pending))}")
            time.sleep(0.2)

    def wait(self) -> int:
        """Block until a stop signal or until a service dies; then stop everything. The exit code."""
        while not self._stopping:
            for name, process in self._running.items():
                if process.poll() is not None:
                    print(
                        f"{name} stopped unexpectedly (code {process.returncode}); stopping Gocart.",
                        flush=True,
                    )
                    self.stop()
                    return 1
            time.sleep(0.3)
        return 0

    def stop_service(self, name: str) -> None:
        """Stop one service (its neighbours keep running): an outage, for tests and drills."""
        process = self._running[name]
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def restart_service(self, name: str) -> None:
        """Start a stopped service again and wait until it answers."""
        self._spawn(next(spec for spec in self._specs if spec.name == name))
        self.wait_until_ready([name])

    def stop(self, *_: object) -> None:
        self._stopping = True
        for process in self._running.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for process in self._running.values():
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def run_supervised(specs: Sequence[ProcessSpec], *, cwd: Path, on_ready: Callable[[], None]) -> int:
    """Run the services until Ctrl-C, SIGTERM or a closed terminal; every one stops with the others."""
    supervisor = Supervisor(specs, cwd=cwd)

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        supervisor.stop()

    previous = {
        signum: signal.signal(signum, on_signal) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    }
    try:
        supervisor.start()
        try:
            supervisor.wait_until_ready()
        except RuntimeError as error:
            print(f"Gocart could not start: {error}", file=sys.stderr, flush=True)
            supervisor.stop()
            return 1
        on_ready()
        return supervisor.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
