"""The users subgraph's HTTP client and account builder for its tests (the app is in ../conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from tests.subgraphs.users.builders import Accounts
from tests.support.graphql import GraphQLClient


@pytest.fixture
async def http(users_app: FastAPI, clean_users: None) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=users_app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://users") as client:
        yield client


@pytest.fixture
def gql(http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(http)


@pytest.fixture
def accounts(gql: GraphQLClient) -> Accounts:
    return Accounts(gql)
