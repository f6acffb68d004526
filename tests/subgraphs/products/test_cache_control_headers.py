"""The products subgraph's Cache-Control: the catalogue public for a minute, stock for seconds,
staff's answers private, mutations and failures never stored."""

from __future__ import annotations

import httpx

from tests.support.tokens import Tokens

LISTING = "{ products(first: 5) { edges { node { name price } } } }"
WITH_STOCK = "{ products(first: 5) { edges { node { name stock { available } } } } }"


async def cache_control(http: httpx.AsyncClient, query: str, token: str | None = None) -> str:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await http.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 200
    return response.headers["cache-control"]


async def test_the_catalogue_is_public_for_a_minute(http: httpx.AsyncClient) -> None:
    assert await cache_control(http, LISTING) == "public, max-age=60"


async def test_stock_is_public_for_seconds(http: httpx.AsyncClient) -> None:
    assert await cache_control(http, WITH_STOCK) == "public, max-age=5"


async def test_a_customer_sees_the_public_catalogue(http: httpx.AsyncClient, tokens: Tokens) -> None:
    assert await cache_control(http, LISTING, tokens.customer) == "public, max-age=60"


async def test_what_an_admin_sees_is_private(http: httpx.AsyncClient, tokens: Tokens) -> None:
    assert await cache_control(http, LISTING, tokens.admin) == "private, max-age=60"


async def test_a_mutation_is_never_stored(http: httpx.AsyncClient, tokens: Tokens) -> None:
    mutation = 'mutation { createCategory(input: {name: "Phones"}) { id } }'
    assert await cache_control(http, mutation, tokens.admin) == "no-store"


async def test_a_failed_query_is_never_stored(http: httpx.AsyncClient) -> None:
    assert await cache_control(http, "{ products(first: 5) { nope } }") == "no-store"
