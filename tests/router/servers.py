"""Serve the router tests' subgraph apps over real HTTP, each uvicorn server in its own thread."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from testbed.ports import unused_port
from tests.support.servers import ThreadServer

free_port = unused_port


def _same(app: Any) -> Any:
    return app


@contextmanager
def serving(apps: dict[str, Any]) -> Iterator[dict[str, str]]:
    """Serve every app; yields the `/graphql` URL of each, by name; stops them all, side by side, on
    exit."""
    servers: list[ThreadServer] = []
    try:
        for app in apps.values():
            server = ThreadServer(functools.partial(_same, app), lifespan="off")
            server.start()
            servers.append(server)
        yield {name: server.graphql_url for name, server in zip(apps, servers, strict=True)}
    finally:
        _stop_all(servers)


def _stop_all(servers: list[ThreadServer]) -> None:
    for server in servers:
        server.request_stop()
    for server in servers:
        server.stop()
