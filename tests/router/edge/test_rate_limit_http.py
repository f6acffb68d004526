"""Rate limits over HTTP, decided in the tests' Redis: a burst from one address gets 429 RATE_LIMITED
with Retry-After while another address is still served; a signed-in subject is limited across
addresses; refusals are counted."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from router.config import RouterSettings
from subgraphs.common.auth import Role
from subgraphs.common.signing import SigningKey
from tests.router.edge.conftest import TYPENAME, RunningRouter, StartRouter

SLOW = 0.001  # a token back every 1000 s: nothing refills during a test
ISSUER, AUDIENCE = "gocart-users", "gocart"


@pytest.fixture
async def limited(
    start_router: StartRouter, router_settings: Callable[..., RouterSettings]
) -> AsyncIterator[RunningRouter]:
    settings = router_settings(per_address_burst=3, per_address_per_second=SLOW)
    async with start_router(settings) as router:
        yield router


async def post_many(client: httpx.AsyncClient, count: int, **options: Any) -> list[httpx.Response]:
    return [await client.post("/graphql", json=TYPENAME, **options) for _ in range(count)]


async def test_a_burst_from_one_address_is_refused_with_429_and_retry_after(limited: RunningRouter) -> None:
    async with limited.client("10.0.0.1") as client:
        responses = await post_many(client, 4)
    assert [response.status_code for response in responses] == [200, 200, 200, 429]
    refused = responses[-1]
    retry_after = int(refused.headers["retry-after"])
    assert 990 <= retry_after <= 1000
    [error] = refused.json()["errors"]
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfterSeconds": retry_after}
    assert error["message"] == f"Too many requests from this client address: retry in {retry_after} s."


async def test_another_address_is_still_served(limited: RunningRouter) -> None:
    async with limited.client("10.0.0.1") as first, limited.client("10.0.0.2") as second:
        await post_many(first, 4)
        responses = await post_many(second, 3)
    assert [response.status_code for response in responses] == [200, 200, 200]


async def test_a_refusal_is_counted_once_as_a_rejection(limited: RunningRouter) -> None:
    async with limited.client() as client:
        await post_many(client, 5)
    assert limited.metric("gocart_router_rejections_total", code="RATE_LIMITED") == 2
    assert limited.metric("gocart_router_requests_total", operation="unknown", outcome="rejected") == 2


async def test_a_get_request_is_limited_too(limited: RunningRouter) -> None:
    async with limited.client() as client:
        await post_many(client, 3)
        response = await client.get("/graphql", params=TYPENAME, headers={"apollo-require-preflight": "true"})
    assert response.status_code == 429


async def test_a_signed_in_subject_is_limited_across_addresses(
    start_router: StartRouter,
    router_settings: Callable[..., RouterSettings],
    issuer_url: str,
    signing_key: SigningKey,
) -> None:
    limits = router_settings(per_subject_burst=2, per_subject_per_second=SLOW)
    settings = limits.model_copy(
        update={"jwt_jwks_url": f"{issuer_url}/jwks.json", "jwt_issuer": ISSUER, "jwt_audience": AUDIENCE}
    )
    token = signing_key.mint(
        subject="ada", role=Role.CUSTOMER, issuer=ISSUER, audience=AUDIENCE, ttl_seconds=600
    )
    signed_in = {"authorization": f"Bearer {token}"}
    async with (
        start_router(settings) as router,
        router.client("10.0.0.1") as office,
        router.client("10.0.0.2") as home,
    ):
        assert (await office.post("/graphql", json=TYPENAME, headers=signed_in)).status_code == 200
        assert (await home.post("/graphql", json=TYPENAME, headers=signed_in)).status_code == 200
        refused = await home.post("/graphql", json=TYPENAME, headers=signed_in)
        anonymous = await home.post("/graphql", json=TYPENAME)
    assert refused.status_code == 429
    assert "this account" in refused.json()["errors"][0]["message"]
    assert anonymous.status_code == 200


async def test_disabled_rate_limits_never_refuse(
    start_router: StartRouter, router_settings: Callable[..., RouterSettings]
) -> None:
    settings = router_settings(enabled=False, per_address_burst=1, per_address_per_second=SLOW)
    async with start_router(settings) as router, router.client() as client:
        responses = await post_many(client, 3)
    assert [response.status_code for response in responses] == [200, 200, 200]


async def test_a_cost_weighted_limit_refuses_an_expensive_operation_before_any_fetch(
    start_router: StartRouter, router_settings: Callable[..., RouterSettings]
) -> None:
    settings = router_settings(
        per_address_burst=5, per_address_per_second=SLOW, cost_weighted=True, cost_unit=1
    )
    async with start_router(settings) as router, router.client() as client:
        cheap = await client.post("/graphql", json=TYPENAME)
        # Ten products by the default list size: ten tokens, more than the four left.
        expensive = await client.post("/graphql", json={"query": "{ topProducts { name } }"})
    assert cheap.status_code == 200
    assert expensive.status_code == 429
    assert expensive.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
