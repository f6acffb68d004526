"""The REST layer's logs: one access line per request (method, path, status, duration, request id),
and every other line of the request carrying its request id, in the format every Gocart process shares
(`observability`). The request id is the caller's `x-request-id` when it is sane, else made here; it is
echoed back, and passed on to the router (which forwards it to the subgraphs), so one id follows a REST
request everywhere."""

from __future__ import annotations

from starlette.types import ASGIApp

from observability.logs import configure_logging, wants_colour
from observability.request_context import REQUEST_ID_HEADER, RequestContext, request_id_from, request_id_of

PROBE_PATHS = frozenset({"/health", "/metrics"})  # polled by supervisors: logged at debug only

__all__ = [
    "PROBE_PATHS",
    "REQUEST_ID_HEADER",
    "AccessLog",
    "configure_logging",
    "request_id_from",
    "request_id_of",
    "wants_colour",
]


class AccessLog(RequestContext):
    """Gives each request its id (bound to every log line of the request, echoed in `x-request-id`)
    and logs one access line when it ends, the outermost middleware so every answer is counted."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app, logger_name="rest_compat.access", quiet_paths=PROBE_PATHS)
