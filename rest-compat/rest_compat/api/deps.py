"""Dependencies of the routes: the router client and the caller's credential, passed through.

A route that needs a signed-in caller takes `SignedIn`: without a bearer token it answers 401 before
anything else (an unknown id, a bad body), as its OpenAPI security requirement says. The router and
subgraphs still check the token itself. A route where signing in is optional (it shows admins more)
takes `Authorization` and declares `OPTIONAL_SIGN_IN`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from observability.request_context import bind_request
from rest_compat.access_log import request_id_of
from rest_compat.client import RouterClient
from rest_compat.errors import ApiError
from rest_compat.models import ErrorBody

bearer = HTTPBearer(auto_error=False, description="An access token from POST /users/login.")


async def get_router(request: Request) -> RouterClient:
    """The router client, on behalf of this request's client (its address resolved by the app), with
    this request's id. The route's name (the REST operation) goes on every later log line of the
    request (async, so it binds in the request's own context, not a worker thread's)."""
    route = request.scope.get("route")
    bind_request(operation=getattr(route, "name", None))
    client: RouterClient = request.app.state.router
    address = request.client.host if request.client else None
    return client.on_behalf_of(address, request_id=request_id_of(request.scope))


def get_authorization(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str | None:
    """`Authorization: Bearer <token>` as the client sent it; the router and subgraphs check it."""
    return f"Bearer {credentials.credentials}" if credentials else None


def require_authorization(authorization: Annotated[str | None, Depends(get_authorization)]) -> str:
    """The caller's bearer credential; 401 when there is none."""
    if authorization is None:
        raise ApiError(401, "Sign in: send Authorization: Bearer <access token>.", code="UNAUTHENTICATED")
    return authorization


Router = Annotated[RouterClient, Depends(get_router)]

ANY_ROUTE: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body is not JSON."},
    401: {"model": ErrorBody, "description": "The access token is missing where needed, or invalid."},
    422: {"model": ErrorBody, "description": "The request is invalid."},
    502: {"model": ErrorBody, "description": "The GraphQL router answered something unexpected."},
    503: {
        "model": ErrorBody,
        "description": "The GraphQL router, or a service or database behind it, is unavailable.",
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before retrying.",
                "schema": {"type": "integer", "minimum": 0},
            }
        },
    },
}
Authorization = Annotated[str | None, Depends(get_authorization)]
SignedIn = Annotated[str, Depends(require_authorization)]
# The operation's security: a bearer token, or none (FastAPI lists the bearer scheme; this adds `{}`).
OPTIONAL_SIGN_IN: dict[str, Any] = {"security": [{}]}
