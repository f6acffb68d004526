"""An alias bomb against Gocart's own supergraph: a thousand aliased `products(first: 100)` pages.

The edge refuses it without calling any subgraph: by its token limit with the defaults, and by its
estimated cost when the limits are lifted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from router.config import LimitsSettings, RouterSettings
from router.server import create_app
from tests.router.server.counting import CountingApp, answering_nothing
from tests.router.servers import serving

SUPERGRAPH = Path(__file__).resolve().parents[3] / "schema" / "supergraph.graphql"
ALIASES = 1000
BOMB = {
    "query": "{ "
    + " ".join(f"a{n}: products(first: 100) {{ edges {{ node {{ id }} }} }}" for n in range(ALIASES))
    + " }"
}
LIFTED = LimitsSettings(
    max_tokens=1_000_000, max_operation_characters=1_000_000, max_aliases=None, max_root_fields=None
)


@pytest.fixture(scope="module")
def stand_ins() -> dict[str, CountingApp]:
    return {name: answering_nothing() for name in ("users", "products", "orders")}


@pytest.fixture(scope="module")
def stand_in_urls(stand_ins: dict[str, CountingApp]) -> Iterator[dict[str, str]]:
    with serving(dict(stand_ins)) as urls:
        yield urls


async def send_bomb(settings: RouterSettings) -> httpx.Response:
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://router") as client:
            return await client.post("/graphql", json=BOMB)


def calls(stand_ins: dict[str, CountingApp]) -> int:
    return sum(app.calls for app in stand_ins.values())


async def test_the_default_limits_refuse_the_bomb_before_any_subgraph_call(
    stand_ins: dict[str, CountingApp], stand_in_urls: dict[str, str]
) -> None:
    before = calls(stand_ins)
    response = await send_bomb(RouterSettings(supergraph=SUPERGRAPH, subgraph_urls=stand_in_urls))
    assert response.status_code == 400
    # The aliases are counted in the text, before the document is even parsed.
    assert response.json()["errors"][0]["extensions"] == {"code": "MAX_ALIASES_LIMIT"}
    assert calls(stand_ins) == before


@pytest.mark.slow  # parses and costs an operation of tens of thousands of aliases
async def test_without_limits_its_cost_refuses_the_bomb_before_any_subgraph_call(
    stand_ins: dict[str, CountingApp], stand_in_urls: dict[str, str]
) -> None:
    before = calls(stand_ins)
    settings = RouterSettings(supergraph=SUPERGRAPH, subgraph_urls=stand_in_urls, limits=LIFTED)
    response = await send_bomb(settings)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "COST_ESTIMATED_TOO_EXPENSIVE"}
    # Each alias: the connection, and 100 edges of an edge and its node.
    assert f"estimated cost is {ALIASES * (1 + 100 * 2)}" in error["message"]
    assert calls(stand_ins) == before
