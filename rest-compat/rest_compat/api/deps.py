"""Dependencies of the routes: the router client and the caller's credential, passed through."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from rest_compat.access_log import request_id_of
from rest_compat.client import RouterClient
from rest_compat.errors import not_found
from rest_compat.models import ErrorBody

bearer = HTTPBearer(auto_error=False, description="An access token from POST /users/login.")


def get_router(request: Request) -> RouterClient:
    """The router client, on behalf of this request's client (its address resolved by the app), with
    this request's id."""
    client: RouterClient = request.app.state.router
    address = request.client.host if request.client else None
    return client.on_behalf_of(address, request_id=request_id_of(request.scope))


def get_authorization(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str | None:
    """`Authorization: Bearer <token>` as the client sent it; the router and subgraphs check it."""
    return f"Bearer {credentials.credentials}" if credentials else None


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


def resource_id(value: str, what: str) -> str:
    """A path id: anything that cannot be one of ours names nothing (404, not 422)."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise not_found(what) from None
