"""The REST layer in-process, in front of the real router and subgraphs (the `stack` processes)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from rest_compat.app import create_app
from rest_compat.config import RestSettings
from tests.subgraphs.users.builders import BOOTSTRAP_ADMIN, PASSWORD
from tests.support.stack import Stack


@pytest.fixture(scope="session")
async def rest_app_client(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    settings = RestSettings(router_url=stack.graphql_url(), router_proxy_secret=stack.proxy_secret)
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://rest") as client:
            yield client


@pytest.fixture
def rest(rest_app_client: httpx.AsyncClient) -> httpx.AsyncClient:
    return rest_app_client


@dataclass(frozen=True)
class Person:
    user_id: str
    email: str
    headers: dict[str, str]


class Legacy:
    """A legacy client: registers, signs in, and keeps its bearer token."""

    def __init__(self, rest: httpx.AsyncClient) -> None:
        self.rest = rest

    async def sign_in(self, email: str, password: str) -> Person:
        response = await self.rest.post("/users/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return Person(body["user"]["user_id"], email, {"authorization": f"Bearer {body['access_token']}"})

    async def admin(self) -> Person:
        return await self.sign_in(*BOOTSTRAP_ADMIN)

    async def customer(self) -> Person:
        email = f"legacy-{uuid.uuid4().hex[:8]}@example.com"
        registration = {"first_name": "Ada", "last_name": "Lovelace", "email": email, "password": PASSWORD}
        response = await self.rest.post("/users/register", json=registration)
        assert response.status_code == 201, response.text
        return await self.sign_in(email, PASSWORD)

    async def product(self, admin: Person, **fields: Any) -> dict[str, Any]:
        body = {"name": f"Legacy thing {uuid.uuid4().hex[:6]}", "price": 10.5, **fields}
        response = await self.rest.post("/products", json=body, headers=admin.headers)
        assert response.status_code == 201, response.text
        product: dict[str, Any] = response.json()
        return product


@pytest.fixture
def legacy(rest: httpx.AsyncClient) -> Legacy:
    return Legacy(rest)
