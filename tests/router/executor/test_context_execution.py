"""`@fromContext` arguments over real HTTP: each product gets the value of the store it is listed under."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from router.executor import HttpFetcher
from router.executor.upstream import UpstreamClient
from router.gateway import Gateway, GraphQLRequest
from router.supergraph import parse_supergraph
from tests.router.executor.context_subgraphs import context_apps, root_context_apps
from tests.router.executor.counting_fetcher import CountingFetcher
from tests.router.servers import serving
from tests.router.supergraphs.context import CONTEXT
from tests.router.supergraphs.root_context import ROOT_CONTEXT


@pytest.fixture(scope="module")
def context_urls() -> Iterator[dict[str, str]]:
    with serving(context_apps()) as urls:
        yield urls


@pytest.fixture
def fetcher(upstream: UpstreamClient) -> CountingFetcher:
    return CountingFetcher(upstream)


@pytest.fixture
def context_gateway(context_urls: dict[str, str], fetcher: CountingFetcher) -> Gateway:
    return Gateway(parse_supergraph(CONTEXT), fetcher, context_urls)


async def test_a_context_from_the_same_subgraph_reaches_each_entity(context_gateway: Gateway) -> None:
    result = await context_gateway.execute(GraphQLRequest("{ stores { name products { label } } }"), {})
    assert result == {
        "data": {
            "stores": [
                {"name": "Lyon", "products": [{"label": "Bouilloire"}, {"label": "Théière"}]},
                {"name": "Leeds", "products": [{"label": "Kettle"}]},
            ]
        }
    }


async def test_a_context_resolved_by_another_subgraph_is_fetched_before_it_is_passed(
    context_gateway: Gateway,
) -> None:
    result = await context_gateway.execute(GraphQLRequest("{ stores { products { name price } } }"), {})
    assert result == {
        "data": {
            "stores": [
                {"products": [{"name": "Kettle", "price": "30 EUR"}, {"name": "Teapot", "price": "12 EUR"}]},
                {"products": [{"name": "Kettle", "price": "30 GBP"}]},
            ]
        }
    }


async def test_one_entity_under_two_contexts_is_sent_once_per_context_value(
    context_gateway: Gateway, fetcher: CountingFetcher
) -> None:
    await context_gateway.execute(GraphQLRequest("{ stores { products { price } } }"), {})
    pricing = sorted(
        (variables["contextualArgument_2_0"], variables["representations"])
        for name, variables in fetcher.sent
        if name == "pricing"
    )
    assert pricing == [
        ("EUR", [{"__typename": "Product", "id": "p1"}, {"__typename": "Product", "id": "p2"}]),
        ("GBP", [{"__typename": "Product", "id": "p1"}]),
    ]


async def test_contextual_and_client_fields_merge_into_one_response(context_gateway: Gateway) -> None:
    query = "{ stores { locale products { name label price } } }"
    result = await context_gateway.execute(GraphQLRequest(query), {})
    assert result == {
        "data": {
            "stores": [
                {
                    "locale": "fr-FR",
                    "products": [
                        {"name": "Kettle", "label": "Bouilloire", "price": "30 EUR"},
                        {"name": "Teapot", "label": "Théière", "price": "12 EUR"},
                    ],
                },
                {"locale": "en-GB", "products": [{"name": "Kettle", "label": "Kettle", "price": "30 GBP"}]},
            ]
        }
    }


@pytest.fixture(scope="module")
def root_context_gateway(upstream: UpstreamClient) -> Iterator[Gateway]:
    with serving(root_context_apps()) as urls:
        yield Gateway(parse_supergraph(ROOT_CONTEXT), HttpFetcher(upstream), urls)


async def test_a_context_on_the_query_type_reaches_an_entity_below_it(root_context_gateway: Gateway) -> None:
    result = await root_context_gateway.execute(GraphQLRequest("{ product { price } }"), {})
    assert result == {"data": {"product": {"price": 12}}}
