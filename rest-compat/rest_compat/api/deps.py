"""Dependencies of the routes: the router client and the caller's credential, passed through."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from rest_compat.client import RouterClient
from rest_compat.errors import not_found

bearer = HTTPBearer(auto_error=False, description="An access token from POST /users/login.")


def get_router(request: Request) -> RouterClient:
    client: RouterClient = request.app.state.router
    return client


def get_authorization(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str | None:
    """`Authorization: Bearer <token>` as the client sent it; the router and subgraphs check it."""
    return f"Bearer {credentials.credentials}" if credentials else None


Router = Annotated[RouterClient, Depends(get_router)]
Authorization = Annotated[str | None, Depends(get_authorization)]


def resource_id(value: str, what: str) -> str:
    """A path id: anything that cannot be one of ours names nothing (404, not 422)."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise not_found(what) from None
