"""Real HTTP servers for the orders tests: the products subgraph (and a slow proxy in front of it),
each served by uvicorn in its own thread and event loop, and stoppable mid-test to cause an outage."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import uvicorn
from starlette.requests import Request
from starlette.responses import Response


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ThreadServer:
    """An ASGI app (built fresh by `factory` on each start) on a fixed 127.0.0.1 port."""

    def __init__(self, factory: Callable[[], Any], *, port: int | None = None) -> None:
        self._factory = factory
        self.port = port or free_port()
        self._server: uvicorn.Server | None = None
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
            self._factory(), host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name=f"server-{self.port}", daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the server on port {self.port} did not start")
            time.sleep(0.01)
        self._server, self._thread = server, thread

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=30)
        self._server, self._thread = None, None

    async def start_async(self) -> None:
        await asyncio.to_thread(self.start)

    async def stop_async(self) -> None:
        await asyncio.to_thread(self.stop)


class SlowProxy:
    """Forwards every request to products, but answers `reserveStock` only after `delay` seconds:
    products does the reservation, the caller times out before it hears so."""

    def __init__(self, target: str, *, delay: float) -> None:
        self.target = target
        self.delay = delay
        self.reservations_forwarded = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            message = await receive()
            while message["type"] != "lifespan.shutdown":
                await send({"type": message["type"] + ".complete"})
                message = await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        request = Request(scope, receive)
        body = await request.body()
        async with httpx.AsyncClient() as client:
            upstream = await client.post(
                self.target,
                content=body,
                headers={
                    k: v for k, v in request.headers.items() if k.lower() in {"authorization", "content-type"}
                },
            )
        if b"reserveStock" in body:
            self.reservations_forwarded += 1
            await asyncio.sleep(self.delay)
        response = Response(upstream.content, status_code=upstream.status_code, media_type="application/json")
        await response(scope, receive, send)
