"""The REST layer's logs: one access line per request (method, path, status, duration, request id),
and every other line of the request carrying its request id, in the subgraphs' format.

The REST layer imports no subgraph code (the import-linter contracts) and no neutral package holds the
subgraphs' logging setup, so this is its own small copy of `subgraphs/common/logging.py`: the same
structlog processors and field names, so that one log pipeline reads every service. The request id is
the caller's `x-request-id` when it is sane, else made here; it is echoed back, and passed on to the
router (which forwards it to the subgraphs), so one id follows a REST request everywhere.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
import uuid
from typing import Any, TextIO

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from telemetry.logs import add_trace_ids

REQUEST_ID_HEADER = "x-request-id"
PROBE_PATHS = frozenset({"/health"})  # polled by supervisors: logged at debug only
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def wants_colour(stream: TextIO) -> bool:
    """Colour codes for a terminal only, unless NO_COLOR (https://no-color.org) is set."""
    return stream.isatty() and not os.environ.get("NO_COLOR")


def configure_logging(*, level: str = "INFO", json: bool = True) -> None:
    """Route structlog and the standard library's loggers (uvicorn's too) through one renderer: JSON,
    or console lines for people."""
    stream = sys.stdout
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        add_trace_ids,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(colors=wants_colour(stream))
    )
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)  # our access line replaces uvicorn's


def request_id_from(raw: str | None) -> str:
    """The caller's request id if it is sane, else a new one (never trust a header into a log as-is)."""
    if raw and _VALID_REQUEST_ID.match(raw):
        return raw
    return uuid.uuid4().hex


def request_id_of(scope: Scope) -> str | None:
    """The id `AccessLog` gave the request (`request.state.request_id`)."""
    request_id: str | None = scope.get("state", {}).get("request_id")
    return request_id


class AccessLog:
    """Gives each request its id (bound to every log line of the request, echoed in `x-request-id`)
    and logs one access line when it ends, the outermost middleware so every answer is counted."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.log = structlog.get_logger("rest_compat.access")

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
                message.setdefault("headers", []).append((REQUEST_ID_HEADER.encode(), request_id.encode()))
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_request_id)
            finally:
                log = self.log.debug if scope["path"] in PROBE_PATHS else self.log.info
                log(
                    "request",
                    method=scope["method"],
                    path=scope["path"],
                    status=status,
                    duration_ms=round((time.perf_counter() - started) * 1000, 2),
                )
