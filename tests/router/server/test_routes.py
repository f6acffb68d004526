"""The router over HTTP: GraphQL over POST and GET, GraphiQL, health, status codes, debug plan header."""

from __future__ import annotations

import httpx
from asgi_lifespan import LifespanManager

from router.config import RouterSettings
from router.server import create_app


async def test_post_graphql_returns_merged_data(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ me { name reviews { body } } }"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["data"]["me"]["name"] == "Ada Lovelace"


async def test_post_with_variables_and_operation_name(client: httpx.AsyncClient) -> None:
    body = {
        "query": "query A { me { name } } query B($upc: String!) { product(upc: $upc) { name inStock } }",
        "operationName": "B",
        "variables": {"upc": "p1"},
    }
    response = await client.post("/graphql", json=body)
    assert response.json() == {"data": {"product": {"name": "Table", "inStock": True}}}


async def test_get_graphql_with_query_parameters(client: httpx.AsyncClient) -> None:
    params = {"query": "query ($upc: String!) { product(upc: $upc) { name } }", "variables": '{"upc": "p3"}'}
    response = await client.get("/graphql", params=params, headers={"apollo-require-preflight": "true"})
    assert response.status_code == 200
    assert response.json() == {"data": {"product": {"name": "Chair"}}}


async def test_get_cannot_run_a_mutation(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql",
        params={"query": 'mutation { login(username: "ada") { name } }'},
        headers={"apollo-require-preflight": "true"},
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


async def test_browser_gets_graphiql(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": "text/html,application/xhtml+xml"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_graphql_response_json_is_honoured(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ me { id } }"}, headers={"accept": "application/graphql-response+json"}
    )
    assert response.headers["content-type"] == "application/graphql-response+json"
    assert response.json() == {"data": {"me": {"id": "1"}}}


async def test_parse_failure_is_a_400_with_apollo_code(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ me { "})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


async def test_validation_failure_is_a_400_with_apollo_code(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ me { nope } }"})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert error["locations"] == [{"line": 1, "column": 8}]


async def test_body_that_is_not_json_is_a_bad_request(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", content=b"{nope", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_missing_query_is_a_bad_request(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"variables": {}})
    assert response.status_code == 400


async def test_health_is_up_once_started(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    closed = {"breaker": "closed"}
    body = response.json()
    assert body["status"] == "UP"
    assert len(body["supergraph_sha256"]) == 12
    assert body["subgraphs"] == {
        "accounts": closed,
        "inventory": closed,
        "products": closed,
        "reviews": closed,
    }


async def test_plan_header_on_request_when_enabled(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ me { reviews { body } } }"}, headers={"x-gocart-query-plan": "true"}
    )
    plan = response.headers["x-gocart-query-plan"]
    assert plan.startswith('QueryPlan { Sequence { Fetch(service: "accounts")')
    assert 'Flatten(path: "me") { Fetch(service: "reviews")' in plan


async def test_health_is_unavailable_before_startup(settings: RouterSettings) -> None:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://router") as http:
        response = await http.get("/health")
    assert response.status_code == 503


async def test_several_operations_without_a_name_is_a_bad_request(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "query A { me { id } } query B { me { name } }"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_typename_only_query_needs_no_subgraph(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ __typename }"})
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_operation_limits_are_enforced_before_any_fetch(settings: RouterSettings) -> None:
    limits = settings.limits.model_copy(update={"max_depth": 2})
    app = create_app(settings.model_copy(update={"limits": limits}))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://router") as http:
            shallow = await http.post("/graphql", json={"query": "{ me { name } }"})
            deep = await http.post("/graphql", json={"query": "{ me { reviews { body } } }"})
    assert shallow.json() == {"data": {"me": {"name": "Ada Lovelace"}}}
    assert deep.status_code == 400
    assert deep.json()["errors"][0]["extensions"] == {"code": "MAX_DEPTH_LIMIT"}


async def test_graphql_before_startup_answers_503_in_json(settings: RouterSettings) -> None:
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://router") as http:
        response = await http.post("/graphql", json={"query": "{ me { id } }"})
    assert response.status_code == 503
    assert response.json()["errors"][0]["extensions"] == {"code": "SERVICE_UNAVAILABLE"}


async def test_graphiql_loads_only_from_the_router(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"accept": "text/html"})
    assert "https://" not in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for asset in (
        "graphiql.min.js",
        "graphiql.min.css",
        "react.production.min.js",
        "react-dom.production.min.js",
    ):
        assert f'/graphiql-assets/{asset}"' in page.text
        assert (await client.get(f"/graphiql-assets/{asset}")).status_code == 200


async def test_the_plan_comes_in_the_extensions_when_asked_for(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ me { name } }"}, headers={"x-gocart-query-plan": "true"}
    )
    assert response.json()["extensions"]["queryPlan"]["text"].startswith("QueryPlan {\n")
