"""Serve the router tests' subgraph apps over real HTTP, each uvicorn server in its own thread."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from testbed.ports import unused_port
from tests.support.servers import ThreadServer

free_port = unused_port


def _same(app: Any) -> Any:
    return app


@contextmanager
def serving(apps: dict[str, Any]) -> Iterator[dict[str, str]]:
    """Serve every app; yields the `/graphql` URL of each, by name; stops them all on exit."""
    with ExitStack() as stack:
        urls: dict[str, str] = {}
        for name, app in apps.items():
            server = ThreadServer(functools.partial(_same, app), lifespan="off")
            server.start()
            stack.callback(server.stop)
            urls[name] = server.graphql_url
        yield urls
