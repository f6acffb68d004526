"""Request ids and the request's log context.

Each request gets an id: the caller's `x-request-id` when it is sane, else a new one. It is bound to
every log line of the request (with the operation and subject once they are known), echoed in the
response, and passed on by every client that calls another Gocart process (`current_request_id`), so
one id follows a request through the REST layer, the router, every subgraph and orders' calls to
products. One access line is logged when the request ends.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Collection

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "x-request-id"
# The fields of a request's context, unbound when it ends (a task may serve several requests in tests).
REQUEST_FIELDS = ("request_id", "operation", "subject")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_from(raw: str | None) -> str:
    """The caller's request id if it is sane, else a new one (never trust a header into a log as-is)."""
    if raw and _VALID_REQUEST_ID.match(raw):
        return raw
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """The id of the request being served in this context, if any (for clients to pass on)."""
    value = structlog.contextvars.get_contextvars().get("request_id")
    return value if isinstance(value, str) else None


def bind_request(*, operation: str | None = None, subject: str | None = None) -> None:
    """Add what became known about the request (its operation name, the caller's subject) to every
    later log line of it, the access line included."""
    fields = {name: value for name, value in (("operation", operation), ("subject", subject)) if value}
    if fields:
        structlog.contextvars.bind_contextvars(**fields)


def request_id_of(scope: Scope) -> str | None:
    """The id `RequestContext` gave the request (`request.state.request_id`)."""
    request_id: str | None = scope.get("state", {}).get("request_id")
    return request_id


class RequestContext:
    """Gives each request its id (bound to every log line of the request, echoed in `x-request-id`) and
    logs one access line when it ends: add it outermost, so every answer is counted. Requests to
    `quiet_paths` (probes polled by supervisors) are logged at debug only."""

    def __init__(self, app: ASGIApp, *, logger_name: str, quiet_paths: Collection[str] = ()) -> None:
        self.app = app
        self.log = structlog.get_logger(logger_name)
        self.quiet_paths = frozenset(quiet_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = dict(scope["headers"]).get(REQUEST_ID_HEADER.encode())
        request_id = request_id_from(raw.decode("latin-1") if raw else None)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500  # what the client gets when the app fails before answering

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [
                    (name, value) for name, value in message.get("headers", []) if name != b"x-request-id"
                ]
                message["headers"] = [*headers, (REQUEST_ID_HEADER.encode(), request_id.encode())]
            await send(message)

        structlog.contextvars.unbind_contextvars(*REQUEST_FIELDS)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            log = self.log.debug if scope["path"] in self.quiet_paths else self.log.info
            log(
                "request",
                method=scope["method"],
                path=scope["path"],
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
            )
            structlog.contextvars.unbind_contextvars(*REQUEST_FIELDS)
