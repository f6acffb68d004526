"""Serving ASGI apps over real HTTP on localhost: in the test event loop (`serve`), or in a thread of
their own that a test can stop and start again to cause an outage (`ThreadServer`)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any, Literal

import uvicorn
from fastapi import FastAPI

from testbed.ports import unused_port

SHUTDOWN_GRACE_SECONDS = 10.0
"""How long a stopping test server waits for its open requests before cancelling them."""


class PromptServer(uvicorn.Server):
    """uvicorn as the tests run it: it stops the moment it is asked.

    uvicorn looks at `should_exit` every 0.1 s and, shutting down, sleeps 0.1 s more before it looks
    at the open connections. The fast tests start and stop about 150 servers, so those pauses were
    about a third of their run. Here `request_stop` wakes the main loop at once, and shutdown waits
    only for the connections still open, as uvicorn's does (cancelling what is still running after
    `SHUTDOWN_GRACE_SECONDS`). Production servers keep uvicorn's own loop (gocart/servers.py).
    """

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._wake: Callable[[], object] = lambda: None

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:  # the test runner owns Ctrl-C, not the server
        yield

    def request_stop(self) -> None:
        """Safe from any thread; a server that never started or has stopped just keeps the flag."""
        self.should_exit = True
        with contextlib.suppress(RuntimeError):  # its loop has closed already
            self._wake()

    async def main_loop(self) -> None:
        loop = asyncio.get_running_loop()
        woken = asyncio.Event()
        self._wake = lambda: loop.call_soon_threadsafe(woken.set)
        counter = 0
        while not await self.on_tick(counter):  # on_tick keeps the Date header fresh, once a second
            counter = (counter + 1) % 864_000
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.1):
                    await woken.wait()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        await asyncio.sleep(0)  # a connection accepted just before is registered on the next turn
        for connection in list(self.server_state.connections):
            connection.shutdown()
        deadline = time.monotonic() + SHUTDOWN_GRACE_SECONDS
        # uvicorn keeps its connections and tasks in plain sets, with no event to wait on.
        while self.server_state.connections or self.server_state.tasks:
            if time.monotonic() > deadline:  # as uvicorn's graceful-shutdown timeout does
                for task in self.server_state.tasks:
                    task.cancel()
                break
            await asyncio.sleep(0.005)
        await self.lifespan.shutdown()
        for server in self.servers:
            await server.wait_closed()


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[str]:
    """The app's base URL while it serves; it is shut down gracefully afterwards."""
    # Bound here, on the kernel's pick, and handed to uvicorn: no other process (a parallel test run)
    # can take the port between choosing and binding it.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, lifespan="on", proxy_headers=False
    )
    server = PromptServer(config)
    task = asyncio.create_task(server.serve(sockets=[listener]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.request_stop()
        await task
        listener.close()


class ThreadServer:
    """An ASGI app (built fresh by `factory` on each start) on a fixed 127.0.0.1 port."""

    def __init__(
        self, factory: Callable[[], Any], *, port: int | None = None, lifespan: Literal["on", "off"] = "on"
    ) -> None:
        self._factory = factory
        self._lifespan: Literal["on", "off"] = lifespan
        self.port = port or unused_port()
        self._server: PromptServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def graphql_url(self) -> str:
        return f"{self.base_url}/graphql"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> None:
        config = uvicorn.Config(
            self._factory(),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan=self._lifespan,
            proxy_headers=False,  # as every server we run: apps resolve client addresses themselves
        )
        server = PromptServer(config)
        thread = threading.Thread(target=server.run, name=f"server-{self.port}", daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the server on port {self.port} did not start")
            time.sleep(0.01)
        self._server, self._thread = server, thread

    def request_stop(self) -> None:
        """Starts stopping and returns; `stop` then waits for it (many servers stop side by side)."""
        if self._server is not None:
            self._server.request_stop()

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.request_stop()
        self._thread.join(timeout=30)
        if self._thread.is_alive():
            raise RuntimeError(f"the server on port {self.port} did not stop within 30 s")
        self._server, self._thread = None, None

    async def start_async(self) -> None:
        await asyncio.to_thread(self.start)

    async def stop_async(self) -> None:
        await asyncio.to_thread(self.stop)
