"""The REST layer's own behaviour: its OpenAPI document, Swagger UI, OPTIONS and 405, and a router that
fails."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from rest_compat.app import create_app, openapi_document
from rest_compat.config import RestSettings

CHECKED_IN = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_the_checked_in_openapi_document_is_current() -> None:
    assert CHECKED_IN.read_text() == openapi_document(), (
        "docs/openapi.json is out of date: run `gocart export-schema`"
    )


async def test_openapi_31_with_examples_and_swagger_ui_are_served(rest: httpx.AsyncClient) -> None:
    document = (await rest.get("/openapi.json")).json()
    swagger = await rest.get("/docs")

    assert document["openapi"].startswith("3.1")
    assert {
        "/products",
        "/products/{product_id}",
        "/users/register",
        "/users/login",
        "/api/v1/orders",
    } <= set(document["paths"])
    assert document["components"]["schemas"]["ProductIn"]["examples"]
    assert "swagger-ui" in swagger.text


async def test_a_router_that_cannot_be_reached_is_503_with_a_json_error() -> None:
    app = create_app(RestSettings(router_url="http://127.0.0.1:1/graphql"))
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://rest") as client,
    ):
        response = await client.get("/products")
    assert response.status_code == 503
    assert response.json()["error"] == "The GraphQL router is unavailable."


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_the_docs_pages_load_only_from_the_rest_layer(rest: httpx.AsyncClient, page: str) -> None:
    html = await rest.get(page)
    assert "https://" not in html.text
    assert "default-src 'self'" in html.headers["content-security-policy"]
    assets = re.findall(r'(?:src|href)="(/docs-assets/[^"]+)"', html.text)
    assert assets
    for asset in assets:
        assert (await rest.get(asset)).status_code == 200


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        (f"/users/{uuid.uuid4()}", "DELETE, GET, OPTIONS, PUT"),
        ("/users/register", "OPTIONS, POST"),
        ("/products", "GET, OPTIONS, POST"),
        ("/api/v1/orders", "GET, OPTIONS, POST"),
    ],
)
async def test_options_is_204_with_every_method_of_the_path(
    rest: httpx.AsyncClient, path: str, allow: str
) -> None:
    response = await rest.options(path)
    assert (response.status_code, response.headers["allow"], response.content) == (204, allow, b"")


async def test_an_unsupported_method_is_405_with_every_method_of_the_path(rest: httpx.AsyncClient) -> None:
    patched = await rest.patch(f"/products/{uuid.uuid4()}", json={})
    read = await rest.get("/users/login")

    assert (patched.status_code, patched.headers["allow"]) == (405, "DELETE, GET, OPTIONS, PUT")
    assert (read.status_code, read.headers["allow"]) == (405, "OPTIONS, POST")
    assert patched.json()["error"]


async def test_options_on_an_unknown_path_is_404(rest: httpx.AsyncClient) -> None:
    response = await rest.options("/nothing-here")
    assert response.status_code == 404


def test_the_document_declares_a_token_exactly_where_one_is_needed() -> None:
    paths = create_app(RestSettings()).openapi()["paths"]
    security = {
        f"{method.upper()} {path}": operation.get("security")
        for path, operations in paths.items()
        for method, operation in operations.items()
    }
    bearer: list[dict[str, list[str]]] = [{"HTTPBearer": []}]
    assert security == {
        "GET /products": None,
        "POST /products": bearer,
        "GET /products/{product_id}": [*bearer, {}],
        "PUT /products/{product_id}": bearer,
        "DELETE /products/{product_id}": bearer,
        "GET /users": bearer,
        "POST /users/register": None,
        "POST /users/login": None,
        "GET /users/{user_id}": bearer,
        "PUT /users/{user_id}": bearer,
        "DELETE /users/{user_id}": bearer,
        "GET /api/v1/orders": bearer,
        "POST /api/v1/orders": bearer,
        "GET /api/v1/orders/{order_id}": bearer,
    }


def test_every_link_of_the_document_names_one_of_its_operations() -> None:
    paths = create_app(RestSettings()).openapi()["paths"]
    operation_ids = {
        operation["operationId"] for operations in paths.values() for operation in operations.values()
    }
    links = [
        link
        for operations in paths.values()
        for operation in operations.values()
        for response in operation["responses"].values()
        for link in response.get("links", {}).values()
    ]
    assert len(links) == 10
    assert {link["operationId"] for link in links} <= operation_ids
