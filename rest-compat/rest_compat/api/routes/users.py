"""`/users`: the legacy account endpoints, over the users subgraph.

A deleted account is gone here (404), although GraphQL still resolves it for the orders that name it.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Query, Response, status

from rest_compat.api.deps import ANY_ROUTE, Router, SignedIn
from rest_compat.client import operation
from rest_compat.errors import not_found
from rest_compat.models import Credentials, ErrorBody, LoginOut, UserOut, UserRegistration, UserUpdate

router = APIRouter(prefix="/users", tags=["users"], responses=ANY_ROUTE)
SIGNED_IN: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "No valid access token."},
    403: {"model": ErrorBody, "description": "Not yours, and you are not an admin."},
}
GRAPHQL_NAMES = {"first_name": "firstName", "last_name": "lastName", "email": "email", "phone": "phone"}


def user_links(user_id: str) -> dict[str, Any]:
    """What an account's id (at `user_id` in the answer) leads to, as OpenAPI links."""
    return {
        name: {"operationId": operation_id, "parameters": {"user_id": user_id}}
        for name, operation_id in (
            ("GetUser", "get_user_users__user_id__get"),
            ("UpdateUser", "update_user_users__user_id__put"),
            ("DeleteUser", "delete_user_users__user_id__delete"),
        )
    }


@router.get("", response_model=list[UserOut], summary="List accounts (admins)", responses=SIGNED_IN)
async def list_users(
    client: Router, authorization: SignedIn, limit: int = Query(default=200, ge=1, le=200)
) -> list[UserOut]:
    nodes = await client.collect(
        operation("users", "ListUsers"), lambda data: data["users"], limit, authorization=authorization
    )
    return [UserOut.from_graphql(node) for node in nodes]


@router.post(
    "/register",
    response_model=UserOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create an account",
    responses={
        201: {"description": "The account.", "links": user_links("$response.body#/user_id")},
        409: {"model": ErrorBody, "description": "The email is taken."},
        422: {"model": ErrorBody},
    },
)
async def register(body: UserRegistration, client: Router) -> UserOut:
    registration = {
        "email": body.email,
        "password": body.password,
        "firstName": body.first_name,
        "lastName": body.last_name,
        "phone": body.phone,
    }
    data = await client.run(operation("users", "Register"), {"input": registration})
    return UserOut.from_graphql(data["register"])


@router.post(
    "/login",
    response_model=LoginOut,
    summary="Sign in: the user and an access token",
    responses={
        200: {"description": "Signed in.", "links": user_links("$response.body#/user/user_id")},
        401: {"model": ErrorBody},
        429: {"model": ErrorBody},
    },
)
async def login(body: Credentials, client: Router) -> LoginOut:
    data = await client.run(
        operation("users", "Login"), {"input": {"email": body.email, "password": body.password}}
    )
    payload = data["login"]
    return LoginOut(
        user=UserOut.from_graphql(payload["user"]),
        access_token=payload["accessToken"],
        token_type=payload["tokenType"],
        expires_in=payload["expiresIn"],
    )


@router.get(
    "/{user_id:uuid}",
    response_model=UserOut,
    summary="One account (its owner or an admin)",
    responses={**SIGNED_IN, 404: {"model": ErrorBody}},
)
async def get_user(user_id: uuid.UUID, client: Router, authorization: SignedIn) -> UserOut:
    user = (
        await client.run(operation("users", "GetUser"), {"id": str(user_id)}, authorization=authorization)
    )["user"]
    if user is None or user["deleted"]:
        raise not_found("user")
    return UserOut.from_graphql(user)


@router.put(
    "/{user_id:uuid}",
    response_model=UserOut,
    summary="Change an account's details (its owner or an admin)",
    responses={**SIGNED_IN, 404: {"model": ErrorBody}, 409: {"model": ErrorBody}, 422: {"model": ErrorBody}},
)
async def update_user(
    user_id: uuid.UUID, body: UserUpdate, client: Router, authorization: SignedIn
) -> UserOut:
    sent = body.model_dump(exclude_unset=True)
    changes = {GRAPHQL_NAMES[name]: value for name, value in sent.items()}
    data = await client.run(
        operation("users", "UpdateUser"),
        {"id": str(user_id), "input": changes},
        authorization=authorization,
    )
    return UserOut.from_graphql(data["updateUser"])


@router.delete(
    "/{user_id:uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an account (its owner or an admin)",
    responses={**SIGNED_IN, 404: {"model": ErrorBody}, 409: {"model": ErrorBody}},
)
async def delete_user(user_id: uuid.UUID, client: Router, authorization: SignedIn) -> Response:
    await client.run(operation("users", "DeleteUser"), {"id": str(user_id)}, authorization=authorization)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
