"""Errors as legacy clients get them: the documented status code and a JSON body `{"error": "..."}`.

GraphQL errors from the router are mapped by `extensions.code`; a router that cannot be reached is 503,
and one that answers nonsense is 502. A client's mistake is never a 500. A 503 (and a 429 that knows
when) tells the client when to come back in `Retry-After`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

STATUS_BY_CODE = {
    "BAD_USER_INPUT": 422,
    "VALIDATION_INVALID_TYPE_VARIABLE": 422,
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "CONFLICT": 409,
    "OUT_OF_STOCK": 409,
    "RATE_LIMITED": 429,
    "UNAVAILABLE": 503,
    # A subgraph behind the router could not be reached, timed out or has its breaker open: a dependency
    # that is down, so "come back later" rather than a bad gateway.
    "SUBREQUEST_HTTP_ERROR": 503,
    "SERVICE_UNAVAILABLE": 503,
}
DETAIL_KEYS = ("field", "items", "retryAfterSeconds")


class ApiError(Exception):
    """An answer other than success: status, message, and optional details for the body."""

    def __init__(self, status: int, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        return {"error": self.message, **self.details}

    def headers(self, *, unavailable_retry_after_seconds: int) -> dict[str, str]:
        """`Retry-After` (whole seconds): the `retryAfterSeconds` GraphQL gave, else for a 503 the default."""
        hint = self.details.get("retryAfterSeconds")
        if isinstance(hint, int | float) and not isinstance(hint, bool) and hint >= 0:
            return {"Retry-After": str(math.ceil(hint))}
        if self.status == 503:
            return {"Retry-After": str(unavailable_retry_after_seconds)}
        return {}


def from_graphql_errors(errors: Sequence[dict[str, Any]]) -> ApiError:
    """The most telling error of a GraphQL response, as an HTTP answer."""
    first = errors[0]
    extensions = first.get("extensions") or {}
    code = extensions.get("code")
    status = STATUS_BY_CODE.get(str(code), 502)
    message = first.get("message", "Error") if status != 502 else "The GraphQL router could not answer."
    details = {"code": code, **{key: extensions[key] for key in DETAIL_KEYS if key in extensions}}
    return ApiError(status, message, **details)


def not_found(what: str) -> ApiError:
    return ApiError(404, f"There is no such {what}.", code="NOT_FOUND")
