"""`/users`: the legacy account endpoints, over the users subgraph."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Response, status

from rest_compat.api.deps import ANY_ROUTE, Authorization, Router, resource_id
from rest_compat.client import operation
from rest_compat.errors import not_found
from rest_compat.models import Credentials, ErrorBody, LoginOut, UserOut, UserRegistration, UserUpdate

router = APIRouter(prefix="/users", tags=["users"], responses=ANY_ROUTE)
SIGNED_IN: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "No valid access token."},
    403: {"model": ErrorBody, "description": "Not yours, and you are not an admin."},
}
GRAPHQL_NAMES = {"first_name": "firstName", "last_name": "lastName", "email": "email", "phone": "phone"}


@router.get("", response_model=list[UserOut], summary="List accounts (admins)", responses=SIGNED_IN)
async def list_users(
    client: Router, authorization: Authorization, limit: int = Query(default=200, ge=1, le=200)
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
    responses={409: {"model": ErrorBody, "description": "The email is taken."}, 422: {"model": ErrorBody}},
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
    responses={401: {"model": ErrorBody}, 429: {"model": ErrorBody}},
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
    "/{user_id}",
    response_model=UserOut,
    summary="One account (its owner or an admin)",
    responses={**SIGNED_IN, 404: {"model": ErrorBody}},
)
async def get_user(user_id: str, client: Router, authorization: Authorization) -> UserOut:
    user = (
        await client.run(
            operation("users", "GetUser"), {"id": resource_id(user_id, "user")}, authorization=authorization
        )
    )["user"]
    if user is None:
        raise not_found("user")
    return UserOut.from_graphql(user)


@router.put(
    "/{user_id}",
    response_model=UserOut,
    summary="Change an account's details (its owner or an admin)",
    responses={**SIGNED_IN, 404: {"model": ErrorBody}, 409: {"model": ErrorBody}, 422: {"model": ErrorBody}},
)
async def update_user(
    user_id: str, body: UserUpdate, client: Router, authorization: Authorization
) -> UserOut:
    sent = body.model_dump(exclude_unset=True)
    changes = {GRAPHQL_NAMES[name]: value for name, value in sent.items()}
    data = await client.run(
        operation("users", "UpdateUser"),
        {"id": resource_id(user_id, "user"), "input": changes},
        authorization=authorization,
    )
    return UserOut.from_graphql(data["updateUser"])


@router.delete(
    "/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an account (its owner or an admin)",
    responses={**SIGNED_IN, 404: {"model": ErrorBody}, 409: {"model": ErrorBody}},
)
async def delete_user(user_id: str, client: Router, authorization: Authorization) -> Response:
    await client.run(
        operation("users", "DeleteUser"), {"id": resource_id(user_id, "user")}, authorization=authorization
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
