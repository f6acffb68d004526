"""Running the stack as one process per service, supervised: each service is its own uvicorn server on
its own port and core, configured through its environment; a service that crashes is started again
(`gocart.restarts` decides when, and when to give up); one Ctrl-C (or SIGTERM) stops them all.

Our own small loop rather than supervisord or honcho: the supervisor also waits for health URLs, hands
the stack's processes to tests (stop one, restart it), and reports what it does as events."""

from __future__ import annotations

import http.client
import json
import logging
import os
import signal
import subprocess
import sys
import threading
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

from gocart.restarts import CrashHistory, GiveUp, RestartPolicy
from rest_compat.config import RestSettings
from router.config import RouterSettings
from subgraphs.common.settings import SubgraphSettings

STOP_TIMEOUT_SECONDS = 10
READY_TIMEOUT_SECONDS = 90
POLL_SECONDS = 0.3

logger = logging.getLogger(__name__)


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
            value = json.dumps(_revealed(value.model_dump(mode="python")))
        elif isinstance(value, dict | list | tuple):
            value = json.dumps(to_jsonable_python(value))  # networks, paths... as their text
        env[f"{prefix}{name}".upper()] = str(value)
    return env


def _revealed(value: Any) -> Any:
    """A section's values as JSON types, its secrets as they are (a section's JSON dump masks them:
    the service would read `**********`)."""
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, dict):
        return {key: _revealed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_revealed(item) for item in value]
    return to_jsonable_python(value)


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
    """A subgraph as its own command (`gocart-users`, ...) runs it, configured through its environment."""
    argv = python_module("gocart.serve", name)
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
    except (urllib.error.URLError, OSError, http.client.HTTPException):
        return False  # not listening yet, or closed the connection mid-answer while starting


def describe_exit(returncode: int) -> str:
    """How a process ended, as `Popen.returncode` tells: an exit code, or the signal that killed it."""
    if returncode >= 0:
        return f"exit code {returncode}"
    try:
        return f"killed by {signal.Signals(-returncode).name}"
    except ValueError:
        return f"killed by signal {-returncode}"


@dataclass(frozen=True)
class ServiceStarted:
    """A service's process was started: `restart` 0 the first time, else the restart's number."""

    service: str
    pid: int
    restart: int

    @property
    def message(self) -> str:
        if self.restart == 0:
            return f"{self.service} started (pid {self.pid})"
        return f"{self.service} restarted (pid {self.pid}, restart {self.restart})"


@dataclass(frozen=True)
class ServiceCrashed:
    """A service's process ended on its own; restart number `restart` follows after `delay_seconds`."""

    service: str
    pid: int
    returncode: int
    uptime_seconds: float
    restart: int
    delay_seconds: float

    @property
    def message(self) -> str:
        return (
            f"{self.service} crashed ({describe_exit(self.returncode)}, pid {self.pid}, "
            f"up {self.uptime_seconds:.1f} s); restart {self.restart} in {self.delay_seconds:g} s"
        )


@dataclass(frozen=True)
class CrashLoop:
    """A service crashed `crashes` times within `window_seconds`: the supervisor stops every service."""

    service: str
    pid: int
    returncode: int
    crashes: int
    window_seconds: float

    @property
    def message(self) -> str:
        return (
            f"{self.service} crashed {self.crashes} times within {self.window_seconds:g} s "
            f"(last: {describe_exit(self.returncode)}, pid {self.pid}); stopping every service"
        )


SupervisorEvent = ServiceStarted | ServiceCrashed | CrashLoop


@dataclass
class _Service:
    spec: ProcessSpec
    history: CrashHistory
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restart: int = 0  # the number of the current (or next) run's restart; 0 for the first start
    restart_at: float | None = None  # when a crashed service is due to start again
    held: bool = False  # stopped on purpose (`stop_service`): never restarted by supervision


class Supervisor:
    """Starts every service, waits until each answers its health URL, restarts the ones that crash (with
    a back-off, giving up on one that crash-loops: `RestartPolicy`), and stops them all together.

    Supervision happens in `wait()` (on the main thread of `gocart dev`), which runs `check()` every
    `poll_seconds`; `clock` and `sleep` are that loop's, injectable so tests control time. Stacks that
    never call `wait()` (tests, benchmarks) are not supervised: their processes stay as they are."""

    def __init__(
        self,
        specs: Sequence[ProcessSpec],
        *,
        cwd: Path,
        policy: RestartPolicy | None = None,
        on_event: Callable[[SupervisorEvent], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        poll_seconds: float = POLL_SECONDS,
        log_dir: Path | None = None,
    ) -> None:
        """With `log_dir`, each service's output (stdout and stderr) is appended to `log_dir/NAME.log`
        instead of going to this process's own."""
        policy = policy or RestartPolicy()
        self._log_dir = log_dir
        self._services = {spec.name: _Service(spec, CrashHistory(policy)) for spec in specs}
        self._cwd = cwd
        self._on_event = on_event
        self._clock = clock
        self._sleep = sleep
        self._poll_seconds = poll_seconds
        self._stopping = False
        self._lock = threading.Lock()  # no process is started while `stop` signals them all

    @property
    def stopping(self) -> bool:
        return self._stopping

    def process(self, name: str) -> subprocess.Popen[bytes]:
        """The service's current process (for drills and tests that kill it)."""
        process = self._services[name].process
        if process is None:
            raise LookupError(f"{name} was never started")
        return process

    def start(self) -> None:
        for service in self._services.values():
            self._spawn(service)

    def _spawn(self, service: _Service) -> None:
        with self._lock:
            if self._stopping:
                return
            env = {**os.environ, **service.spec.env}
            service.process = self._popen(service.spec, env)
            service.started_at = self._clock()
            service.restart_at = None
            service.held = False
        self._emit(ServiceStarted(service.spec.name, service.process.pid, service.restart), logging.INFO)

    def _popen(self, spec: ProcessSpec, env: Mapping[str, str]) -> subprocess.Popen[bytes]:
        if self._log_dir is None:
            return subprocess.Popen(spec.argv, cwd=self._cwd, env=env)  # noqa: S603
        with (self._log_dir / f"{spec.name}.log").open("ab") as output:  # the child keeps its own handle
            return subprocess.Popen(  # noqa: S603
                spec.argv, cwd=self._cwd, env=env, stdout=output, stderr=subprocess.STDOUT
            )

    def _emit(self, event: SupervisorEvent, level: int) -> None:
        logger.log(level, event.message)
        if self._on_event is not None:
            self._on_event(event)

    def wait_until_ready(self, names: Sequence[str] | None = None) -> None:
        """Block until every named service answers its health URL (or a stop is requested)."""
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        pending = {
            name: s.spec.health_url for name, s in self._services.items() if names is None or name in names
        }
        while pending and not self._stopping:
            for name, url in list(pending.items()):
                returncode = self.process(name).poll()
                if returncode is not None:
                    raise RuntimeError(f"{name} exited during start-up ({describe_exit(returncode)})")
                if _is_up(url):
                    del pending[name]
            if time.monotonic() > deadline:
                raise RuntimeError(f"not ready after {READY_TIMEOUT_SECONDS} s: {', '.join(sorted(pending))}")
            time.sleep(0.2)

    def check(self) -> CrashLoop | None:
        """One round of supervision: notice services that ended, restart those whose delay is over.
        The crash loop that ends supervision, if one did."""
        now = self._clock()
        for name, service in self._services.items():
            if self._stopping:
                return None
            if service.held or service.process is None:
                continue
            if service.restart_at is not None:
                if now >= service.restart_at:
                    self._spawn(service)
                continue
            returncode = service.process.poll()
            if returncode is None:
                continue
            pid = service.process.pid
            verdict = service.history.crashed(at=now, up_since=service.started_at)
            if isinstance(verdict, GiveUp):
                loop = CrashLoop(name, pid, returncode, verdict.crashes, verdict.window_seconds)
                self._emit(loop, logging.ERROR)
                return loop
            service.restart, service.restart_at = verdict.number, now + verdict.delay_seconds
            uptime = now - service.started_at
            self._emit(
                ServiceCrashed(name, pid, returncode, uptime, verdict.number, verdict.delay_seconds),
                logging.WARNING,
            )
        return None

    def wait(self) -> int:
        """Supervise until a stop is requested (0) or a service crash-loops (1); then stop every service."""
        try:
            while not self._stopping:
                if self.check() is not None:
                    return 1
                self._sleep(self._poll_seconds)
            return 0
        finally:
            self.stop()

    def request_stop(self) -> None:
        """Ask `wait()` (or `wait_until_ready()`) to end and stop everything; safe in a signal handler."""
        self._stopping = True

    def stop_service(self, name: str) -> None:
        """Stop one service (its neighbours keep running, and supervision leaves it down): an outage,
        for tests and drills."""
        service = self._services[name]
        service.held = True
        _terminate(self.process(name), timeout=STOP_TIMEOUT_SECONDS)

    def restart_service(self, name: str) -> None:
        """Start a stopped service again and wait until it answers."""
        service = self._services[name]
        service.restart = 0
        self._spawn(service)
        self.wait_until_ready([name])

    def stop(self) -> None:
        """Stop every service: SIGTERM to all, then SIGKILL to those still running after the timeout.
        No service is started again once this began."""
        with self._lock:
            self._stopping = True
            processes = [s.process for s in self._services.values() if s.process is not None]
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for process in processes:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _terminate(process: subprocess.Popen[bytes], *, timeout: float) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_supervised(
    specs: Sequence[ProcessSpec],
    *,
    cwd: Path,
    on_ready: Callable[[], None],
    policy: RestartPolicy | None = None,
) -> int:
    """Run the services until Ctrl-C, SIGTERM or a closed terminal, restarting any that crashes; every one
    stops with the others, and all stop when one crash-loops (exit code 1)."""
    supervisor = Supervisor(specs, cwd=cwd, policy=policy)

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        supervisor.request_stop()

    previous = {
        signum: signal.signal(signum, on_signal) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    }
    try:
        supervisor.start()
        try:
            supervisor.wait_until_ready()
        except RuntimeError as error:
            print(f"Gocart could not start: {error}", file=sys.stderr, flush=True)
            return 1
        if not supervisor.stopping:
            on_ready()
        return supervisor.wait()
    finally:
        # Whatever ended us (a stop, a crash loop, a start-up that failed, a bug in `on_ready`), no
        # service outlives the supervisor: orphans would hold the ports and the terminal's output.
        supervisor.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
