"""GraphiQL (the router) and Swagger UI (the REST layer) in a real browser with the internet cut off:
the pages load from packaged assets, run operations against the real stack, and show the answers."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page

from rest_compat.app import create_app
from rest_compat.config import RestSettings
from tests.e2e.browser import offline_page
from tests.e2e.storefront import Storefront
from tests.support.graphql import GraphQLClient
from tests.support.servers import ThreadServer
from tests.support.stack import Stack

SEARCH = """{
  products(filter: { search: "hedphones" }, first: 5) {
    totalCount
    edges { node { name price currency stock { available } category { path { name } } } }
  }
}"""
ORDERS = """{
  orders(first: 5) {
    edges { node { number status total customer { firstName email } items { quantity product { name } } } }
  }
}"""
WAIT_MS = 20_000


@pytest.fixture
async def headphones(router: GraphQLClient) -> str:
    """A product the README's misspelt search finds."""
    storefront = Storefront(router)
    name = f"Studio Headphones {uuid.uuid4().hex[:6]}"
    await storefront.product(await storefront.admin(), name)
    return name


@pytest.fixture
async def admin_token(router: GraphQLClient) -> str:
    return (await Storefront(router).admin()).access_token


@pytest.fixture(scope="module")
def rest_url(stack: Stack) -> Iterator[str]:
    settings = RestSettings(router_url=stack.graphql_url(), router_proxy_secret=stack.proxy_secret)
    server = ThreadServer(lambda: create_app(settings))
    server.start()
    try:
        yield server.base_url
    finally:
        server.stop()


async def set_editor(page: Page, selector: str, text: str) -> None:
    """Put `text` in a GraphiQL editor (CodeMirror), as typing would but without auto-closed brackets."""
    editor = page.locator(f"{selector} .CodeMirror:visible")
    await editor.wait_for(timeout=WAIT_MS)
    await editor.evaluate("(node, text) => node.CodeMirror.setValue(text)", text)


async def run_and_read_result(page: Page) -> Any:
    await page.click(".graphiql-execute-button")
    await page.wait_for_function(
        "() => { const node = document.querySelector('.result-window .CodeMirror');"
        " return node && node.CodeMirror.getValue().trim().startsWith('{'); }",
        timeout=WAIT_MS,
    )
    text = await page.eval_on_selector(".result-window .CodeMirror", "node => node.CodeMirror.getValue()")
    return json.loads(text)


async def test_graphiql_runs_the_readme_query_offline(stack: Stack, headphones: str, tmp_path: Path) -> None:
    async with offline_page(tmp_path) as offline:
        await offline.page.goto(stack.graphql_url(), wait_until="networkidle")
        await set_editor(offline.page, ".graphiql-query-editor", SEARCH)
        result = await run_and_read_result(offline.page)
        plan = await offline.page.text_content("[data-testid=query-plan]", timeout=WAIT_MS)
    names = [edge["node"]["name"] for edge in result["data"]["products"]["edges"]]
    assert headphones in names
    assert plan is not None
    assert plan.startswith("QueryPlan {")
    assert 'Fetch(service: "products")' in plan
    assert offline.left_the_machine == []


async def test_graphiql_signs_in_through_the_headers_editor(
    stack: Stack, admin_token: str, tmp_path: Path
) -> None:
    async with offline_page(tmp_path) as offline:
        page = offline.page
        await page.goto(stack.graphql_url(), wait_until="networkidle")
        await set_editor(page, ".graphiql-query-editor", ORDERS)
        anonymous = await run_and_read_result(page)
        await page.click("button:has-text('Headers')")
        await set_editor(
            page, ".graphiql-editor-tool", json.dumps({"Authorization": f"Bearer {admin_token}"})
        )
        await page.eval_on_selector(".result-window .CodeMirror", "node => node.CodeMirror.setValue('')")
        signed_in = await run_and_read_result(page)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "errors" not in signed_in
    assert isinstance(signed_in["data"]["orders"]["edges"], list)
    assert offline.left_the_machine == []


async def test_swagger_ui_tries_get_products_offline(rest_url: str, headphones: str, tmp_path: Path) -> None:
    async with offline_page(tmp_path) as offline:
        page = offline.page
        await page.goto(f"{rest_url}/docs", wait_until="networkidle")
        await page.click("#operations-products-list_products_products_get", timeout=WAIT_MS)
        await page.click("button.try-out__btn", timeout=WAIT_MS)
        await page.click("button.execute", timeout=WAIT_MS)
        await page.wait_for_selector(".live-responses-table tbody .response-col_status", timeout=WAIT_MS)
        status = await page.text_content(".live-responses-table tbody .response-col_status")
        body = await page.text_content(".live-responses-table tbody .response-col_description pre")
    assert status is not None
    assert status.strip().startswith("200")
    assert body is not None
    assert '"name"' in body
    assert offline.left_the_machine == []


async def test_redoc_renders_the_document_offline(rest_url: str, tmp_path: Path) -> None:
    async with offline_page(tmp_path) as offline:
        await offline.page.goto(f"{rest_url}/redoc", wait_until="networkidle")
        title = await offline.page.text_content("h1", timeout=WAIT_MS)
    assert title is not None
    assert "Gocart REST API" in title
    assert offline.left_the_machine == []
