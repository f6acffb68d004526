"""Tokens the users subgraph issues work in the products subgraph, which reads the JWKS over HTTP,
and a sign-out at users is honoured by products (the shared revocation list in Redis)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from subgraphs.products.config import ProductsSettings
from subgraphs.products.main import create_app as create_products_app
from tests.subgraphs.users.builders import BOOTSTRAP_ADMIN, LOGIN
from tests.support.graphql import GraphQLClient
from tests.support.servers import serve

CREATE_CATEGORY = 'mutation { createCategory(input: {name: "Across"}) { slug } }'


@pytest.fixture
async def users_url(users_app: FastAPI, clean_users: None) -> AsyncIterator[str]:
    async with serve(users_app) as url:
        yield url


@pytest.fixture
async def products_trusting_users(
    products_settings: ProductsSettings, users_url: str, clean_products: None
) -> AsyncIterator[GraphQLClient]:
    settings = products_settings.model_copy(
        update={
            "jwt_jwks": None,
            "jwt_jwks_url": f"{users_url}/.well-known/jwks.json",
            "migrate_on_startup": False,
        }
    )
    app = create_products_app(settings)
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://products") as client,
    ):
        yield GraphQLClient(client)


@pytest.fixture
async def users_gql(users_url: str) -> AsyncIterator[GraphQLClient]:
    async with httpx.AsyncClient(base_url=users_url) as client:
        yield GraphQLClient(client)


async def test_an_admin_signed_in_at_users_may_write_at_products(
    users_gql: GraphQLClient, products_trusting_users: GraphQLClient
) -> None:
    login = (
        await users_gql.execute(LOGIN, {"email": BOOTSTRAP_ADMIN[0], "password": BOOTSTRAP_ADMIN[1]})
    ).ok()["login"]

    result = await products_trusting_users.execute(CREATE_CATEGORY, token=login["accessToken"])

    assert result.ok() == {"createCategory": {"slug": "across"}}


async def test_a_signed_out_token_is_refused_by_products(
    users_gql: GraphQLClient, products_trusting_users: GraphQLClient
) -> None:
    login = (
        await users_gql.execute(LOGIN, {"email": BOOTSTRAP_ADMIN[0], "password": BOOTSTRAP_ADMIN[1]})
    ).ok()["login"]
    (await users_gql.execute("mutation { logout }", token=login["accessToken"])).ok()

    result = await products_trusting_users.execute(CREATE_CATEGORY, token=login["accessToken"])

    assert result.codes == ["UNAUTHENTICATED"]
