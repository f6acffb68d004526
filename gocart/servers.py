"""Running several uvicorn servers in one process, stopped together by one Ctrl-C (or SIGTERM)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI

# Ctrl-C, `kill`/container stop, and a closed terminal all stop the stack the same graceful way, so the
# embedded servers are shut down by the last process using them.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@dataclass(frozen=True)
class Service:
    name: str
    app: FastAPI
    host: str
    port: int


class _QuietServer(uvicorn.Server):
    """A server that leaves signal handling to `run_services`, which stops every server at once."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def port_is_free(host: str, port: int) -> bool:
    """Whether a server could listen there (TIME_WAIT leftovers do not count, as for uvicorn)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str, preferred: int, *, taken: Sequence[int] = ()) -> int:
    """`preferred` if nobody listens there, else the next free port (so a second stack still starts)."""
    port = preferred
    while port in taken or not port_is_free(host, port):
        port += 1
    return port


def server_config(service: Service) -> uvicorn.Config:
    """Uvicorn's configuration of one service. Uvicorn would otherwise take the client address from
    `X-Forwarded-For` of any loopback peer; each app resolves it from its own trusted proxies instead."""
    return uvicorn.Config(
        service.app,
        host=service.host,
        port=service.port,
        log_config=None,
        lifespan="on",
        proxy_headers=False,
    )


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop where it is installed (uvicorn[standard] brings it, except on Windows), as
    uvicorn picks for the router; asyncio's own otherwise (None). Under a burst of checkouts the orders
    subgraph spends about a fifth less CPU on it."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


async def run_services(services: Sequence[Service]) -> None:
    """Serve every service until a stop signal, then shut them all down gracefully."""
    servers = [_QuietServer(server_config(s)) for s in services]
    loop = asyncio.get_running_loop()

    def stop() -> None:
        for server in servers:
            server.should_exit = True

    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, stop)
    try:
        await asyncio.gather(*(server.serve() for server in servers))
    finally:
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)
