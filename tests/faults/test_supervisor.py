"""A service that crashes is restarted, as a process manager would, and only a crash loop stops the stack.

The services here are real child processes (small Python programs) that crash; the supervisor's clock is
a manual one, so back-offs pass when a test says and no test waits for them. The last test kills the
products subgraph of a real `gocart dev` on embedded PostgreSQL and Redis."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gocart.processes import (
    ProcessSpec,
    ServiceCrashed,
    ServiceStarted,
    Supervisor,
    SupervisorEvent,
    run_supervised,
)
from gocart.restarts import RestartPolicy
from gocart.servers import free_port, port_is_free
from tests.support.dev_stack import DevStack, running_dev_stack
from tests.support.services import embedded_data_dir

ROOT = Path(__file__).resolve().parents[2]
CRASHES = "import sys; sys.exit(3)"
KILLED = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"
SERVES = "import time; time.sleep(600)"
NEVER = 1e9  # seconds: a window or a reset no test reaches
EXIT_TIMEOUT_SECONDS = 30


def program(name: str, code: str) -> ProcessSpec:
    """A service that is a Python one-liner (never asked for its health: nothing listens there)."""
    return ProcessSpec(name, [sys.executable, "-c", code], {}, health_url="http://127.0.0.1:9/health")


class ManualClock:
    """The supervisor's clock: it moves when a test advances it, or by what the supervisor sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        time.sleep(0.01)  # lets the children run; the supervisor sees `seconds` go by
        self.advance(seconds)


@dataclass
class EventLog:
    """What the supervisor reported, in order (it may report from another thread)."""

    events: list[SupervisorEvent] = field(default_factory=list)
    _changed: threading.Condition = field(default_factory=threading.Condition)

    def record(self, event: SupervisorEvent) -> None:
        with self._changed:
            self.events.append(event)
            self._changed.notify_all()

    def wait_for_crash(self) -> None:
        with self._changed:
            reported = self._changed.wait_for(
                lambda: any(isinstance(event, ServiceCrashed) for event in self.events),
                timeout=EXIT_TIMEOUT_SECONDS,
            )
        assert reported, self.summary()

    def summary(self) -> list[tuple[str, str, int]]:
        """(what, which service, restart number or crashes) for every event, in order."""
        summary = []
        for event in self.events:
            if isinstance(event, ServiceStarted):
                summary.append(("started", event.service, event.restart))
            elif isinstance(event, ServiceCrashed):
                summary.append(("crashed", event.service, event.restart))
            else:
                summary.append(("crash loop", event.service, event.crashes))
        return summary


@dataclass(frozen=True)
class Supervised:
    supervisor: Supervisor
    clock: ManualClock
    log: EventLog

    def ended(self, name: str) -> None:
        """Wait until the service's current process has ended on its own."""
        self.supervisor.process(name).wait(timeout=EXIT_TIMEOUT_SECONDS)

    def crash_and_restart(self, name: str) -> ServiceCrashed:
        """Let the service's process end, let the supervisor notice, and let its back-off pass."""
        self.ended(name)
        self.supervisor.check()
        crash = self.log.events[-1]
        assert isinstance(crash, ServiceCrashed), self.log.summary()
        self.clock.advance(crash.delay_seconds)
        self.supervisor.check()
        return crash


@pytest.fixture
def supervise() -> Iterator[Callable[..., Supervised]]:
    """Start these services under this policy, on a manual clock; everything is stopped afterwards."""
    started: list[Supervisor] = []

    def start(specs: list[ProcessSpec], policy: RestartPolicy) -> Supervised:
        clock, log = ManualClock(), EventLog()
        supervisor = Supervisor(
            specs, cwd=ROOT, policy=policy, on_event=log.record, clock=clock, sleep=clock.sleep
        )
        started.append(supervisor)
        supervisor.start()
        return Supervised(supervisor, clock, log)

    yield start
    for supervisor in started:
        supervisor.stop()


def test_a_crashed_service_is_restarted_after_its_backoff_and_its_neighbour_keeps_running(
    supervise: Callable[..., Supervised],
) -> None:
    stack = supervise(
        [program("flaky", CRASHES), program("steady", SERVES)], RestartPolicy(backoff_seconds=2)
    )
    steady_pid = stack.supervisor.process("steady").pid

    stack.ended("flaky")
    stack.supervisor.check()
    stack.clock.advance(1.9)
    stack.supervisor.check()
    before_the_backoff_passed = stack.log.summary()
    stack.clock.advance(0.1)
    stack.supervisor.check()

    assert before_the_backoff_passed == [
        ("started", "flaky", 0),
        ("started", "steady", 0),
        ("crashed", "flaky", 1),
    ]
    assert stack.log.summary()[3:] == [("started", "flaky", 1)]
    crash = stack.log.events[2]
    assert isinstance(crash, ServiceCrashed)
    assert (crash.returncode, crash.delay_seconds) == (3, 2)
    assert "flaky crashed (exit code 3" in crash.message
    assert "restart 1 in 2 s" in crash.message
    assert stack.supervisor.process("steady").pid == steady_pid
    assert stack.supervisor.process("steady").poll() is None


def test_a_service_killed_by_a_signal_is_reported_with_the_signal(
    supervise: Callable[..., Supervised],
) -> None:
    stack = supervise([program("victim", KILLED)], RestartPolicy())

    crash = stack.crash_and_restart("victim")

    assert crash.returncode == -signal.SIGKILL
    assert "victim crashed (killed by SIGKILL" in crash.message
    assert stack.log.summary() == [
        ("started", "victim", 0),
        ("crashed", "victim", 1),
        ("started", "victim", 1),
    ]


def test_each_quick_crash_waits_twice_as_long_up_to_the_cap(supervise: Callable[..., Supervised]) -> None:
    policy = RestartPolicy(
        backoff_seconds=1,
        max_backoff_seconds=4,
        max_crashes=10,
        window_seconds=NEVER,
        reset_after_seconds=NEVER,
    )
    stack = supervise([program("flaky", CRASHES)], policy)

    crashes = [stack.crash_and_restart("flaky") for _ in range(5)]

    assert [(crash.restart, crash.delay_seconds) for crash in crashes] == [
        (1, 1),
        (2, 2),
        (3, 4),
        (4, 4),
        (5, 4),
    ]
    assert [event.restart for event in stack.log.events if isinstance(event, ServiceStarted)] == [
        0,
        1,
        2,
        3,
        4,
        5,
    ]


def test_repeated_crashes_within_the_window_stop_every_service_with_the_reason(
    supervise: Callable[..., Supervised], caplog: pytest.LogCaptureFixture
) -> None:
    policy = RestartPolicy(
        backoff_seconds=0.1, max_crashes=3, window_seconds=NEVER, reset_after_seconds=NEVER
    )
    stack = supervise([program("flaky", CRASHES), program("steady", SERVES)], policy)

    with caplog.at_level(logging.INFO, logger="gocart.processes"):
        code = stack.supervisor.wait()

    assert code == 1
    assert stack.log.summary() == [
        ("started", "flaky", 0),
        ("started", "steady", 0),
        ("crashed", "flaky", 1),
        ("started", "flaky", 1),
        ("crashed", "flaky", 2),
        ("started", "flaky", 2),
        ("crash loop", "flaky", 3),
    ]
    assert stack.supervisor.process("steady").returncode == -signal.SIGTERM
    last = caplog.records[-1]
    assert last.levelno == logging.ERROR
    assert "flaky crashed 3 times within" in last.getMessage()
    assert "stopping every service" in last.getMessage()


def test_a_service_that_stayed_up_long_enough_starts_again_from_the_first_restart(
    supervise: Callable[..., Supervised],
) -> None:
    policy = RestartPolicy(backoff_seconds=1, max_crashes=3, window_seconds=NEVER, reset_after_seconds=30)
    stack = supervise([program("flaky", CRASHES)], policy)
    quick = [stack.crash_and_restart("flaky") for _ in range(2)]

    stack.clock.advance(30)  # the third run was up 30 s before its crash was noticed
    after_a_long_run = stack.crash_and_restart("flaky")

    assert [crash.restart for crash in quick] == [1, 2]
    assert (after_a_long_run.restart, after_a_long_run.delay_seconds) == (
        1,
        1,
    )  # and no crash loop: 3rd crash
    assert stack.log.summary()[-1] == ("started", "flaky", 1)


def test_a_stop_during_a_backoff_starts_nothing_again(supervise: Callable[..., Supervised]) -> None:
    stack = supervise([program("flaky", CRASHES)], RestartPolicy(backoff_seconds=5))
    stack.ended("flaky")
    stack.supervisor.check()

    stack.supervisor.stop()
    stack.clock.advance(60)
    stack.supervisor.check()

    assert stack.log.summary() == [("started", "flaky", 0), ("crashed", "flaky", 1)]


def test_a_stop_request_ends_supervision_during_a_backoff(supervise: Callable[..., Supervised]) -> None:
    stack = supervise(
        [program("flaky", CRASHES), program("steady", SERVES)], RestartPolicy(backoff_seconds=NEVER)
    )
    outcome: list[int] = []
    supervising = threading.Thread(target=lambda: outcome.append(stack.supervisor.wait()))
    supervising.start()

    stack.log.wait_for_crash()
    stack.supervisor.request_stop()  # what Ctrl-C and SIGTERM do
    supervising.join(timeout=EXIT_TIMEOUT_SECONDS)

    assert outcome == [0]
    assert stack.log.summary() == [("started", "flaky", 0), ("started", "steady", 0), ("crashed", "flaky", 1)]
    assert stack.supervisor.process("steady").returncode == -signal.SIGTERM


def test_a_service_stopped_on_purpose_is_left_down(supervise: Callable[..., Supervised]) -> None:
    stack = supervise([program("steady", SERVES)], RestartPolicy())

    stack.supervisor.stop_service("steady")
    stack.clock.advance(60)
    stack.supervisor.check()

    assert stack.log.summary() == [("started", "steady", 0)]


def http_service(name: str, port: int) -> ProcessSpec:
    """A service that answers its health URL (Python's own file server, on `port`)."""
    argv = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    return ProcessSpec(name, argv, {}, health_url=f"http://127.0.0.1:{port}/")


def test_a_failure_once_the_services_are_up_stops_every_service_before_it_is_raised(tmp_path: Path) -> None:
    port = free_port("127.0.0.1", 46100)

    def fails_when_ready() -> None:
        raise LookupError("a bug after start-up")

    with pytest.raises(LookupError):
        run_supervised([http_service("web", port)], cwd=tmp_path, on_ready=fails_when_ready)

    assert port_is_free("127.0.0.1", port)


# ---------------------------------------------------------------- the real `gocart dev`

PRODUCTS_QUERY = "{ products(first: 3) { edges { node { name } } } }"
STARTED = re.compile(r"(\w+) (?:started|restarted) \(pid (\d+)")


@pytest.fixture
def embedded_dev_stack() -> Iterator[DevStack]:
    """`gocart dev` on its own embedded PostgreSQL and Redis (no URL configured), with demo data."""
    ports: dict[str, int] = {}
    for name, base in (
        ("products", 45600),
        ("users", 45650),
        ("orders", 45700),
        ("router", 45750),
        ("rest", 45800),
    ):
        ports[name] = free_port("127.0.0.1", base, taken=list(ports.values()))
    with embedded_data_dir() as data, running_dev_stack(data, ports) as stack:
        yield stack


def service_pids(log: str) -> dict[str, int]:
    """Each service's latest process, from the supervisor's lines."""
    return {match[1]: int(match[2]) for match in STARTED.finditer(log)}


def embedded_server_pids(data_dir: Path) -> tuple[int, int]:
    """The embedded PostgreSQL's postmaster and the embedded Redis server, from their pid files."""
    postgres = int((data_dir / "postgres" / "postmaster.pid").read_text().split()[0])
    redis_settings = json.loads((data_dir / "redis" / "redis.db.settings").read_text())
    redis = int(Path(redis_settings["pidfile"]).read_text().strip())
    return postgres, redis


def is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def product_names(router_port: int) -> list[str] | None:
    """The first products through the router, or None while it cannot answer them."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{router_port}/graphql",
        data=json.dumps({"query": PRODUCTS_QUERY}).encode(),
        headers={"content-type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  (our own localhost URL)
            body = json.loads(response.read())
    except OSError:
        return None
    if body.get("errors") or not body.get("data") or not body["data"].get("products"):
        return None
    return [edge["node"]["name"] for edge in body["data"]["products"]["edges"]]


def answered_again(router_port: int) -> list[str] | None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if (names := product_names(router_port)) is not None:
            return names
        time.sleep(0.25)
    return None


def test_a_killed_subgraph_comes_back_alone_and_sigterm_still_stops_everything(
    embedded_dev_stack: DevStack,
) -> None:
    stack = embedded_dev_stack
    assert "Gocart is running" in stack.output, stack.output[-3000:]
    before = service_pids(stack.output)
    servers_before = embedded_server_pids(stack.data_dir)
    names_before = product_names(stack.ports["router"])

    os.kill(before["products"], signal.SIGKILL)
    restarted = stack.log.wait_for(lambda line: "products restarted" in line, timeout=60)
    names_after = answered_again(stack.ports["router"])
    log = stack.log.text()
    after = service_pids(log)
    servers_after = embedded_server_pids(stack.data_dir)
    servers_running = [is_running(pid) for pid in servers_after]
    stack.process.send_signal(signal.SIGTERM)
    code = stack.process.wait(timeout=60)

    assert restarted is not None, log[-3000:]
    assert f"products crashed (killed by SIGKILL, pid {before['products']}" in log
    assert "restart 1 in 0.5 s" in log
    assert names_before is not None
    assert len(names_before) == 3
    assert names_after == names_before
    assert after["products"] != before["products"]
    assert {name: pid for name, pid in after.items() if name != "products"} == {
        name: pid for name, pid in before.items() if name != "products"
    }
    assert servers_after == servers_before
    assert servers_running == [True, True]
    assert code == 0
    assert all(port_is_free("127.0.0.1", port) for port in stack.ports.values())
