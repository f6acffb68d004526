"""The REST layer's own behaviour: its OpenAPI document, Swagger UI, and a router that fails."""

from __future__ import annotations

import re
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
