"""A subgraph's logs: the shared setup (`observability.logs`), and each request's id and access line
under the logger `gocart.access` (`observability.request_context`)."""

from __future__ import annotations

from starlette.types import ASGIApp

from observability.logs import configure_logging, wants_colour
from observability.request_context import REQUEST_ID_HEADER, RequestContext, request_id_from

PROBE_PATHS = frozenset({"/health", "/ready", "/metrics"})  # polled by supervisors: logged at debug only

__all__ = [
    "PROBE_PATHS",
    "REQUEST_ID_HEADER",
    "RequestContextMiddleware",
    "configure_logging",
    "request_id_from",
    "wants_colour",
]


class RequestContextMiddleware(RequestContext):
    """Binds the request id to every log line of the request and logs one access line at the end."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app, logger_name="gocart.access", quiet_paths=PROBE_PATHS)
