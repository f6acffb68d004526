"""The router's error hierarchy.

RouterError
 +-- SupergraphError      the supergraph SDL cannot be understood (fatal at startup)
 +-- RequestError         the client's request is unusable; answered without calling any subgraph
 |    +-- ParseFailed         GRAPHQL_PARSE_FAILED
 |    +-- ValidationFailed    GRAPHQL_VALIDATION_FAILED
 |    +-- BadRequest          BAD_REQUEST (no query, unknown operation name, bad variables JSON)
 |    +-- InvalidVariables    VALIDATION_INVALID_TYPE_VARIABLE (variables that do not fit their types)
 |    +-- LimitExceeded       MAX_DEPTH_LIMIT, MAX_ALIASES_LIMIT, MAX_ROOT_FIELDS_LIMIT, MAX_TOKENS_LIMIT,
 |    |                       MAX_OPERATION_CHARACTERS_LIMIT, BATCH_LIMIT_EXCEEDED (router/limits.py)
 |    +-- CostEstimatedTooExpensive COST_ESTIMATED_TOO_EXPENSIVE (router/demand/: over the caller's budget)
 |    +-- CostEstimationFailed COST_QUERY_PARSE_FAILURE (router/demand/: a `@listSize` rule broken)
 |    +-- PayloadTooLarge     INVALID_GRAPHQL_REQUEST (HTTP 413: the body is over the size limit)
 |    +-- UnsupportedMediaType INVALID_CONTENT_TYPE_HEADER (HTTP 415: a POST that is not JSON)
 |    +-- CsrfRequired        CSRF_REQUIRED (a request a browser could send cross-site without a preflight)
 |    +-- Unauthenticated     UNAUTHENTICATED (HTTP 401: a bad access token)
 |    +-- RateLimited         RATE_LIMITED (HTTP 429 with Retry-After)
 |    +-- QueryPlanningFailed QUERY_PLANNING_FAILED (HTTP 500: the router could not plan a valid query)
 |    +-- (persisted queries) PERSISTED_QUERY_NOT_FOUND, ..._NOT_SUPPORTED, ..._HASH_MISMATCH,
 |                            ..._NOT_IN_LIST, QUERY_NOT_IN_SAFELIST, CANNOT_SEND_PQ_ID_AND_BODY
 |                            (router/edge/persisted/errors.py)
 +-- PlanningError        the planner found no way to resolve a selection (a supergraph/planner gap)
"""

from __future__ import annotations

from typing import Any


class RouterError(Exception):
    """Base of every error the router raises on purpose."""


class SupergraphError(RouterError):
    """The supergraph SDL is invalid or uses something the router does not understand."""


class PlanningError(RouterError):
    """No subgraph (or chain of subgraphs) can resolve part of the operation."""


class RequestError(RouterError):
    """A client error, reported as a GraphQL error with `extensions.code`."""

    code = "BAD_REQUEST"
    status_code = 400

    def __init__(
        self,
        messages: list[str] | str,
        *,
        locations: list[list[dict[str, int]]] | None = None,
        headers: dict[str, str] | None = None,
    ):
        self.messages = [messages] if isinstance(messages, str) else messages
        self.locations = locations or [[] for _ in self.messages]
        self.headers = headers or {}
        super().__init__("; ".join(self.messages))

    def to_errors(self) -> list[dict[str, Any]]:
        errors: list[dict[str, Any]] = []
        for message, locations in zip(self.messages, self.locations, strict=False):
            error: dict[str, Any] = {"message": message}
            if locations:
                error["locations"] = locations
            error["extensions"] = {"code": self.code}
            errors.append(error)
        return errors


class ParseFailed(RequestError):
    code = "GRAPHQL_PARSE_FAILED"


class ValidationFailed(RequestError):
    code = "GRAPHQL_VALIDATION_FAILED"


class BadRequest(RequestError):
    code = "BAD_REQUEST"


class MethodNotAllowed(RequestError):
    """A mutation sent with GET (HTTP 405 with `Allow: POST`)."""

    code = "BAD_REQUEST"
    status_code = 405


class InvalidVariables(RequestError):
    """Variables that do not fit their declared types (Apollo Router's code for it)."""

    code = "VALIDATION_INVALID_TYPE_VARIABLE"


class PayloadTooLarge(RequestError):
    """The request body is larger than `limits.max_request_bytes` (Apollo Router's code and status)."""

    code = "INVALID_GRAPHQL_REQUEST"
    status_code = 413


class UnsupportedMediaType(RequestError):
    """A POST whose body is not declared as JSON."""

    code = "INVALID_CONTENT_TYPE_HEADER"
    status_code = 415


class CsrfRequired(RequestError):
    code = "CSRF_REQUIRED"


class Unauthenticated(RequestError):
    code = "UNAUTHENTICATED"
    status_code = 401

    def __init__(self, message: str) -> None:
        super().__init__(message, headers={"www-authenticate": "Bearer"})


class RateLimited(RequestError):
    """A bucket of the edge's rate limiter is empty: `Retry-After` and `extensions.retryAfterSeconds` (as
    the subgraphs' RATE_LIMITED has) say when the same request would pass."""

    code = "RATE_LIMITED"
    status_code = 429

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message, headers={"retry-after": str(retry_after_seconds)})
        self.retry_after_seconds = retry_after_seconds

    def to_errors(self) -> list[dict[str, Any]]:
        errors = super().to_errors()
        for error in errors:
            error["extensions"]["retryAfterSeconds"] = self.retry_after_seconds
        return errors


class QueryPlanningFailed(RequestError):
    code = "QUERY_PLANNING_FAILED"
    status_code = 500
