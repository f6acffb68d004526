"""`OPTIONS`, and the `Allow` of a 405, naming every method a path serves (RFC 9110, 9.3.7 and 15.5.6).

Starlette routes each method of a path separately and, on a method it does not serve, answers 405
with the methods of the first route only (`GET` for `/users/{id}`, not `PUT` or `DELETE`), and answers
`OPTIONS` the same way. Here `OPTIONS` answers 204 with the whole list, and a 405 carries it too.
Path ids are typed (`{user_id:uuid}`), so `/users/register` is its own resource (POST only), as the
OpenAPI document has it, and not also a user id.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

# The methods a route may serve; each is tried against the routes (their public `matches`, since
# included routers do not list their routes).
METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")


def allowed_methods(routes: Sequence[BaseRoute], scope: Scope) -> list[str]:
    """Every method that some route serves at this request's path, and OPTIONS; empty for no route."""
    served = [
        method
        for method in METHODS
        if any(route.matches({**scope, "method": method})[0] is Match.FULL for route in routes)
    ]
    return sorted([*served, "OPTIONS"]) if served else []


def allow_header(routes: Sequence[BaseRoute], scope: Scope) -> str:
    return ", ".join(allowed_methods(routes, scope))


class AnswerOptions:
    """ASGI middleware: `OPTIONS` on a path the app serves is 204 with `Allow`; elsewhere it is routed
    as usual (404 for a path that does not exist)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "OPTIONS":
            methods = allowed_methods(scope["app"].router.routes, scope)
            if methods:
                headers = [(b"allow", ", ".join(methods).encode()), (b"content-length", b"0")]
                await send({"type": "http.response.start", "status": 204, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)
