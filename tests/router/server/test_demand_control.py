"""Demand control over HTTP: an operation over the caller's budget is refused (400,
COST_ESTIMATED_TOO_EXPENSIVE) before any subgraph is called; one within it runs; a signed-in caller has
the larger budget; the estimated and actual costs are recorded in metrics and on the answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from router.config import DemandControlSettings, RouterSettings
from router.edge.envelope import Envelope
from router.gateway import GraphQLRequest
from router.server import create_app
from router.server.pipeline import Admitted, Caller, answer
from subgraphs.common.auth import Role
from subgraphs.common.signing import SigningKey
from tests.router.server.counting import CountingApp, subgraph_calls

ISSUER, AUDIENCE = "gocart-users", "gocart"
TOP_PRODUCTS = {"query": "{ topProducts { name } }"}
"""A list without `@listSize` in the shop supergraph: it costs `default_list_size` (4 here)."""
TOP_PRODUCTS_COST = 4


def demand(**changes: Any) -> DemandControlSettings:
    return DemandControlSettings(default_list_size=TOP_PRODUCTS_COST, **changes)


@asynccontextmanager
async def router(settings: RouterSettings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://router") as client:
            yield client


@pytest.fixture
def settings_for(supergraph_file: Path, counted_urls: dict[str, str]) -> Any:
    def build(demand_control: DemandControlSettings, **more: Any) -> RouterSettings:
        return RouterSettings(
            supergraph=supergraph_file, subgraph_urls=counted_urls, demand_control=demand_control, **more
        )

    return build


async def test_an_operation_at_its_budget_runs(settings_for: Any, counted: dict[str, CountingApp]) -> None:
    before = subgraph_calls(counted)
    async with router(settings_for(demand(max_cost_anonymous=TOP_PRODUCTS_COST))) as client:
        response = await client.post("/graphql", json=TOP_PRODUCTS)
    assert response.status_code == 200
    assert response.json() == {
        "data": {"topProducts": [{"name": "Table"}, {"name": "Couch"}, {"name": "Chair"}]}
    }
    assert subgraph_calls(counted) > before


async def test_an_operation_one_over_its_budget_is_refused_before_any_subgraph_call(
    settings_for: Any, counted: dict[str, CountingApp]
) -> None:
    before = subgraph_calls(counted)
    async with router(settings_for(demand(max_cost_anonymous=TOP_PRODUCTS_COST - 1))) as client:
        response = await client.post("/graphql", json=TOP_PRODUCTS)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "COST_ESTIMATED_TOO_EXPENSIVE"}
    assert (
        f"estimated cost is {TOP_PRODUCTS_COST}, over the budget of {TOP_PRODUCTS_COST - 1}"
        in error["message"]
    )
    assert subgraph_calls(counted) == before


async def test_one_costly_operation_of_a_batch_is_refused_alone(settings_for: Any) -> None:
    batch = [{"query": '{ product(upc: "p1") { name } }'}, TOP_PRODUCTS]
    async with router(settings_for(demand(max_cost_anonymous=TOP_PRODUCTS_COST - 1))) as client:
        response = await client.post("/graphql", json=batch)
    cheap, costly = response.json()
    assert cheap == {"data": {"product": {"name": "Table"}}}
    assert costly["errors"][0]["extensions"] == {"code": "COST_ESTIMATED_TOO_EXPENSIVE"}


async def test_nothing_is_refused_when_demand_control_is_off(settings_for: Any) -> None:
    async with router(settings_for(demand(enabled=False, max_cost_anonymous=1))) as client:
        response = await client.post("/graphql", json=TOP_PRODUCTS)
    assert response.status_code == 200


async def test_the_estimated_and_actual_costs_are_recorded(settings_for: Any) -> None:
    async with router(settings_for(demand())) as client:
        await client.post("/graphql", json=TOP_PRODUCTS)
        metrics = (await client.get("/metrics")).text
    assert f"gocart_router_operation_estimated_cost_sum {float(TOP_PRODUCTS_COST)}" in metrics
    assert "gocart_router_operation_actual_cost_sum 3.0" in metrics  # three products came back


async def test_a_refused_operation_counts_as_a_rejection(settings_for: Any) -> None:
    async with router(settings_for(demand(max_cost_anonymous=1))) as client:
        await client.post("/graphql", json=TOP_PRODUCTS)
        metrics = (await client.get("/metrics")).text
    assert 'gocart_router_rejections_total{code="COST_ESTIMATED_TOO_EXPENSIVE"} 1.0' in metrics


async def test_the_answer_carries_the_estimate(settings_for: Any) -> None:
    app = create_app(settings_for(demand()))
    async with LifespanManager(app):
        item = GraphQLRequest(TOP_PRODUCTS["query"])
        admitted = Admitted("POST", Caller("127.0.0.1", None), Envelope((item,)))
        answered = await answer(app.state.gateway, app.state.edge, admitted, item)
    assert answered.estimated_cost == TOP_PRODUCTS_COST


async def test_a_signed_in_caller_has_the_larger_budget(
    settings_for: Any, issuer_url: str, signing_key: SigningKey
) -> None:
    budgets = demand(max_cost_anonymous=TOP_PRODUCTS_COST - 1, max_cost_authenticated=TOP_PRODUCTS_COST)
    settings = settings_for(
        budgets, jwt_jwks_url=f"{issuer_url}/jwks.json", jwt_issuer=ISSUER, jwt_audience=AUDIENCE
    )
    token = signing_key.mint(subject="u1", role=Role.CUSTOMER, issuer=ISSUER, audience=AUDIENCE)
    async with router(settings) as client:
        anonymous = await client.post("/graphql", json=TOP_PRODUCTS)
        signed_in = await client.post(
            "/graphql", json=TOP_PRODUCTS, headers={"authorization": f"Bearer {token}"}
        )
    assert anonymous.json()["errors"][0]["extensions"] == {"code": "COST_ESTIMATED_TOO_EXPENSIVE"}
    assert signed_in.status_code == 200
