"""Progressive @override per request, over real HTTP: percentage labels drawn once per request from a
seeded source, custom labels from the settings or from a header the settings allow."""

from __future__ import annotations

import random
from typing import Any

import pytest

from router.config import ProgressiveOverrideSettings
from router.executor import HttpFetcher
from router.executor.upstream import UpstreamClient
from router.gateway import Gateway, GraphQLRequest
from router.supergraph import parse_supergraph
from tests.router.executor.progressive_subgraphs import (
    LEGACY_PRICE,
    LEGACY_STOCK,
    MODERN_PRICE,
    MODERN_STOCK,
)
from tests.router.supergraphs.progressive import PROGRESSIVE

HEADER = "x-gocart-override-labels"


@pytest.fixture
def gateway_with(progressive_urls: dict[str, str], upstream: UpstreamClient) -> Any:
    def build(**settings: Any) -> Gateway:
        override = ProgressiveOverrideSettings.model_validate(settings)
        return Gateway(
            parse_supergraph(PROGRESSIVE),
            HttpFetcher(upstream),
            progressive_urls,
            progressive_override=override,
        )

    return build


async def run(gateway: Gateway, query: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    result = await gateway.execute(GraphQLRequest(query), headers or {})
    assert "errors" not in result, result
    data: dict[str, Any] = result["data"]
    return data


async def test_each_request_is_planned_with_its_own_draw_of_percent_labels(gateway_with: Any) -> None:
    gateway = gateway_with(seed=42)
    prices = [(await run(gateway, "{ item { price } }"))["item"]["price"] for _ in range(120)]
    chance = random.Random(42)
    expected = []
    for _ in range(120):
        quarter = chance.random() * 100 < 25
        chance.random()  # percent(50), drawn too although this operation cannot feel it
        expected.append(MODERN_PRICE if quarter else LEGACY_PRICE)
    assert prices == expected
    assert 0.1 < prices.count(MODERN_PRICE) / len(prices) < 0.4


async def test_one_draw_serves_every_field_of_a_request(gateway_with: Any) -> None:
    gateway = gateway_with(seed=9)
    pairs = set()
    for _ in range(60):
        data = await run(gateway, "{ item { price } featured { price } }")
        pairs.add((data["item"]["price"], data["featured"]["price"]))
    assert pairs == {(LEGACY_PRICE, LEGACY_PRICE), (MODERN_PRICE, MODERN_PRICE)}


async def test_custom_label_is_off_by_default(gateway_with: Any) -> None:
    assert await run(gateway_with(), "{ item { stock } }") == {"item": {"stock": LEGACY_STOCK}}


async def test_custom_label_enabled_in_the_settings_moves_the_field(gateway_with: Any) -> None:
    gateway = gateway_with(enabled_labels=["new-stock"])
    assert await run(gateway, "{ item { stock } }") == {"item": {"stock": MODERN_STOCK}}


async def test_header_enables_a_label_the_settings_allow(gateway_with: Any) -> None:
    gateway = gateway_with(header_labels=["new-stock"])
    assert await run(gateway, "{ item { stock } }", {HEADER: "new-stock"}) == {
        "item": {"stock": MODERN_STOCK}
    }
    assert await run(gateway, "{ item { stock } }") == {"item": {"stock": LEGACY_STOCK}}


async def test_header_cannot_enable_a_label_the_settings_do_not_allow(gateway_with: Any) -> None:
    gateway = gateway_with()
    assert await run(gateway, "{ item { stock } }", {HEADER: "new-stock"}) == {
        "item": {"stock": LEGACY_STOCK}
    }
