"""The errors a client may see, each with a stable `extensions.code`.

Services raise these; GraphQL reports them as they are. Any other exception is a bug and reaches the
client masked, as INTERNAL_SERVER_ERROR (see `graphql.py`). The hierarchy:

    DomainError
    ├── NotFoundError         NOT_FOUND         the thing asked for does not exist (or is not visible)
    ├── ConflictError         CONFLICT          the request clashes with the current state (duplicate SKU...)
    │   └── IllegalTransitionError                  the current status does not allow the change asked for
    ├── BadUserInputError     BAD_USER_INPUT    an argument is malformed or out of range
    ├── UnauthenticatedError  UNAUTHENTICATED   no valid credential where one is needed
    ├── ForbiddenError        FORBIDDEN         a valid credential without the right role
    ├── OutOfStockError       OUT_OF_STOCK      not enough available stock for a reservation
    ├── RateLimitedError      RATE_LIMITED      too many attempts; `retryAfterSeconds` says when to retry
    └── UnavailableError      UNAVAILABLE       a dependency is down; the caller may retry later
        └── DatabaseUnavailableError  (db_outage.py) PostgreSQL cannot serve the request
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """An error meant for the client: a message and `extensions` with a `code` and optional details.

    graphql-core copies an original error's `extensions` dict onto the GraphQL error it reports.
    """

    code: ClassVar[str] = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extensions: dict[str, Any] = {"code": self.code, **details}


class NotFoundError(DomainError):
    code = "NOT_FOUND"


class ConflictError(DomainError):
    code = "CONFLICT"


class IllegalTransitionError(ConflictError):
    """An entity's current status does not allow the change asked for (an order that has shipped
    cannot be cancelled); `extensions` say which statuses are allowed."""


class BadUserInputError(DomainError):
    code = "BAD_USER_INPUT"


class UnauthenticatedError(DomainError):
    code = "UNAUTHENTICATED"


class ForbiddenError(DomainError):
    code = "FORBIDDEN"


class OutOfStockError(DomainError):
    code = "OUT_OF_STOCK"


class RateLimitedError(DomainError):
    code = "RATE_LIMITED"


class UnavailableError(DomainError):
    code = "UNAVAILABLE"
