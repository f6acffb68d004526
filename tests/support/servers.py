"""Serving an ASGI app over real HTTP inside the test event loop, on a free localhost port."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from gocart.servers import free_port


class _TestServer(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test runner owns signals
        return None


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[str]:
    """The app's base URL while it serves; it is shut down gracefully afterwards."""
    port = free_port("127.0.0.1", 46000)
    server = _TestServer(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
