"""Subgraph apps that count the requests they are sent: to show that a refused operation called none."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


class CountingApp:
    """Wraps an ASGI app and counts the HTTP requests it is sent."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.calls = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.calls += 1
        await self.app(scope, receive, send)


def subgraph_calls(counted: dict[str, CountingApp]) -> int:
    """All the requests the counted subgraphs were sent."""
    return sum(app.calls for app in counted.values())


async def _no_data(_request: Request) -> JSONResponse:
    return JSONResponse({"data": None, "errors": [{"message": "this subgraph answers nothing"}]})


def answering_nothing() -> CountingApp:
    """A stand-in subgraph for tests where no subgraph may be called at all."""
    return CountingApp(Starlette(routes=[Route("/graphql", _no_data, methods=["GET", "POST"])]))
