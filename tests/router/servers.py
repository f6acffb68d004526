"""Serve ASGI apps over real HTTP on free localhost ports, each uvicorn server in its own thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(apps: dict[str, Any]) -> Iterator[dict[str, str]]:
    """Serve every app; yields the `/graphql` URL of each, by name; stops them all on exit."""
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []
    urls: dict[str, str] = {}
    try:
        for name, app in apps.items():
            port = free_port()
            config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
            server = uvicorn.Server(config)
            thread = threading.Thread(target=server.run, name=f"subgraph-{name}", daemon=True)
            thread.start()
            servers.append((server, thread))
            urls[name] = f"http://127.0.0.1:{port}/graphql"
        deadline = time.monotonic() + 10
        while not all(server.started for server, _ in servers):
            if time.monotonic() > deadline:
                raise RuntimeError("subgraph servers did not start")
            time.sleep(0.01)
        yield urls
    finally:
        for server, _ in servers:
            server.should_exit = True
        for _, thread in servers:
            thread.join(timeout=5)
