"""Storefront tests against the whole supergraph running as real processes (the `stack` fixture in
tests/conftest.py): they speak to the router only, as a storefront does."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.support.graphql import GraphQLClient
from tests.support.stack import Stack


@pytest.fixture
async def router(stack: Stack) -> AsyncIterator[GraphQLClient]:
    async with httpx.AsyncClient(base_url=stack.urls["router"], timeout=30) as client:
        yield GraphQLClient(client)
