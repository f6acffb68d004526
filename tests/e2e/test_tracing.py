"""One trace per request across real processes: the router and the three subgraphs, each exporting
over OTLP/HTTP to a receiver of the test's own (tests/support/otlp_receiver.py), which decodes the
protobuf exports. A storefront query that touches three subgraphs and a checkout are traced; the
trees of spans that arrive are compared with the router's query plan."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from observability.instrumentation import TRACE_ID_HEADER
from observability.tracing_settings import TracingSettings
from subgraphs.common.signing import SigningKey
from tests.e2e.storefront import PLACE_ORDER, Storefront
from tests.support.graphql import GraphQLClient
from tests.support.otlp_receiver import ReceivedSpan, Receiver, otlp_receiver
from tests.support.services import ServiceUrls
from tests.support.stack import Stack, running_stack

STOREFRONT_QUERY = """
query StorefrontOrders {
  orders(first: 5) {
    edges { node { number customer { firstName email } items { quantity product { name } } } }
  }
}
"""
SUBGRAPHS = ("users", "products", "orders")
PLAN_LINE = re.compile(
    r'^(\s*)(Sequence \{|Parallel \{|Flatten\(path: "([^"]*)"\)|Fetch\(service: "(\w+)"\))'
)

Tree = tuple[str, tuple[Any, ...]]


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with otlp_receiver() as running:
        yield running


@pytest.fixture(scope="module")
def traced_stack(
    receiver: Receiver,
    database_url: str,
    services: ServiceUrls,
    cache_namespace: str,
    signing_key: SigningKey,
    service_key: SigningKey,
) -> Iterator[Stack]:
    tracing = TracingSettings(otlp_endpoint=receiver.endpoint, export_delay_seconds=0.2)
    with running_stack(
        database_url=database_url,
        redis_url=services.redis_url,
        namespace=f"{cache_namespace}-traced",
        key=signing_key,
        service_key=service_key,
        tracing=tracing,
    ) as stack:
        yield stack


@dataclass(frozen=True)
class Traced:
    trace_id: str
    spans: list[ReceivedSpan]
    body: dict[str, Any]

    def children(self, span: ReceivedSpan) -> list[ReceivedSpan]:
        """In the order they started (a sequence's steps in order)."""
        children = [child for child in self.spans if child.parent_span_id == span.span_id]
        return sorted(children, key=lambda child: child.start_ns)

    def descendants(self, span: ReceivedSpan) -> list[ReceivedSpan]:
        found = self.children(span)
        for child in list(found):
            found += self.descendants(child)
        return found

    def named(self, name: str, service: str | None = None) -> list[ReceivedSpan]:
        return [s for s in self.spans if s.name == name and (service is None or s.service == service)]

    def server_span(self, service: str) -> list[ReceivedSpan]:
        return [s for s in self.spans if s.kind == "SERVER" and s.service == service]


def _complete(services: tuple[str, ...]) -> Any:
    """Every process's request span has arrived, and every span some other span names as its parent."""

    def complete(spans: list[ReceivedSpan]) -> bool:
        ids = {span.span_id for span in spans}
        servers = {span.service for span in spans if span.kind == "SERVER"}
        orphans = [s for s in spans if s.parent_span_id is not None and s.parent_span_id not in ids]
        return servers >= {f"gocart-{name}" for name in services} and not orphans

    return complete


def operation_name(document: str) -> str | None:
    match = re.search(r"\b(?:query|mutation)\s+(\w+)", document)
    return match.group(1) if match else None


async def _traced(
    http: httpx.AsyncClient,
    receiver: Receiver,
    query: str,
    variables: dict[str, Any],
    token: str,
    *services: str,
) -> Traced:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables, "operationName": operation_name(query)},
        headers={"authorization": f"Bearer {token}", "x-gocart-query-plan": "true"},
    )
    body = response.json()
    assert not body.get("errors"), body
    trace_id = response.headers[TRACE_ID_HEADER]
    spans = receiver.wait_for(trace_id, _complete(("router", *services)))
    return Traced(trace_id, spans, body)


@dataclass(frozen=True)
class Traces:
    storefront: Traced
    checkout: Traced


@pytest.fixture(scope="module")
async def traces(traced_stack: Stack, receiver: Receiver) -> AsyncIterator[Traces]:
    async with httpx.AsyncClient(base_url=traced_stack.urls["router"], timeout=30) as http:
        storefront = Storefront(GraphQLClient(http))
        admin = await storefront.admin()
        product = await storefront.product(admin, "Traced teapot", stock=5)
        customer = await storefront.customer()
        order_input = {
            "items": [{"productId": product["id"], "quantity": 1}],
            "payment": {"cardNumber": "4242 4242 4242 4242"},
            "idempotencyKey": "traced-checkout",
        }
        checkout = await _traced(
            http, receiver, PLACE_ORDER, {"input": order_input}, customer.access_token, "orders", "products"
        )
        # The back office's list of orders: every order's customer (users) and products (products).
        query = await _traced(http, receiver, STOREFRONT_QUERY, {}, admin.access_token, *SUBGRAPHS)
        yield Traces(storefront=query, checkout=checkout)


def plan_tree(plan_text: str) -> Tree:
    """The plan's nodes (`Sequence`, `Parallel`, `Flatten(path)`, `Fetch(service)`) as a tree, from the
    indentation of the router's printed plan."""
    root: list[Any] = ["QueryPlan", []]
    stack: list[tuple[int, list[Any]]] = [(-1, root)]
    for line in plan_text.splitlines():
        match = PLAN_LINE.match(line)
        if match is None:
            continue
        depth = len(match.group(1))
        keyword, path, service = match.group(2), match.group(3), match.group(4)
        label = (
            f"Fetch({service})" if service else f"Flatten({path})" if path is not None else keyword.split()[0]
        )
        node: list[Any] = [label, []]
        while stack[-1][0] >= depth:
            stack.pop()
        stack[-1][1][1].append(node)
        stack.append((depth, node))
    return _frozen(root)


def _frozen(node: list[Any]) -> Tree:
    children = tuple(_frozen(child) for child in node[1])
    return node[0], tuple(sorted(children)) if node[0] == "Parallel" else children


def span_tree(traced: Traced, span: ReceivedSpan) -> Tree:
    """The router's plan spans under `span` as the same kind of tree."""
    labels = {"plan.sequence": "Sequence", "plan.parallel": "Parallel"}
    children = tuple(
        span_tree(traced, child) for child in traced.children(span) if child.name.startswith("plan.")
    )
    if span.name == "plan.parallel":  # parallel branches have no order
        children = tuple(sorted(children))
    if span.name == "plan.flatten":
        return f"Flatten({span.attributes['gocart.plan.path']})", children
    if span.name == "plan.fetch":
        return f"Fetch({span.attributes['gocart.subgraph.name']})", ()
    return labels.get(span.name, "QueryPlan"), children


def _is_sql(span: ReceivedSpan) -> bool:
    return "postgresql" in (span.attributes.get("db.system"), span.attributes.get("db.system.name"))


def _is_http(span: ReceivedSpan) -> bool:
    return any(name in span.attributes for name in ("http.request.method", "http.method"))


def _subgraph_request(traced: Traced, fetch: ReceivedSpan) -> ReceivedSpan:
    """The subgraph's request span that a router fetch (through its HTTP client span) caused. The
    fetch's other client spans are the entity cache's Redis calls."""
    (client,) = [child for child in traced.children(fetch) if child.kind == "CLIENT" and _is_http(child)]
    (server,) = traced.children(client)
    return server


def test_a_storefront_query_is_one_trace_across_the_router_and_three_subgraphs(traces: Traces) -> None:
    traced = traces.storefront
    (root,) = [span for span in traced.spans if span.parent_span_id is None]

    assert root.service == "gocart-router"
    assert root.kind == "SERVER"
    assert {span.trace_id for span in traced.spans} == {traced.trace_id}
    assert {span.service for span in traced.spans} == {"gocart-router", *(f"gocart-{n}" for n in SUBGRAPHS)}


def test_the_router_spans_follow_the_query_plan(traces: Traces) -> None:
    traced = traces.storefront
    (execute,) = traced.named("graphql.execute", "gocart-router")

    assert span_tree(traced, execute) == plan_tree(traced.body["extensions"]["queryPlan"]["text"])


def test_the_router_plans_under_its_request_span_and_says_whether_the_plan_was_cached(traces: Traces) -> None:
    traced = traces.storefront
    (prepare,) = traced.named("graphql.prepare")
    (request,) = traced.server_span("gocart-router")

    assert prepare.attributes["gocart.plan_cache.hit"] is False
    assert prepare.attributes["graphql.operation.name"] == "StorefrontOrders"
    assert [child.name for child in traced.children(prepare)] == [
        "graphql.parse",
        "graphql.validate",
        "graphql.plan",
    ]
    assert request.span_id in _ancestors(traced, prepare)


def _ancestors(traced: Traced, span: ReceivedSpan) -> list[str]:
    by_id = {s.span_id: s for s in traced.spans}
    found: list[str] = []
    while span.parent_span_id is not None and span.parent_span_id in by_id:
        found.append(span.parent_span_id)
        span = by_id[span.parent_span_id]
    return found


def test_each_fetch_continues_in_its_subgraph_through_traceparent(traces: Traces) -> None:
    traced = traces.storefront
    fetched = {
        fetch.attributes["gocart.subgraph.name"]: _subgraph_request(traced, fetch).service
        for fetch in traced.named("plan.fetch")
    }

    assert fetched == {name: f"gocart-{name}" for name in SUBGRAPHS}


def test_entity_fetches_count_their_entities(traces: Traces) -> None:
    traced = traces.storefront
    counts = {
        fetch.attributes["gocart.subgraph.name"]: fetch.attributes.get("gocart.fetch.entity_count", 0)
        for fetch in traced.named("plan.fetch")
    }

    assert counts["orders"] == 0  # a root fetch sends no representations
    assert counts["users"] >= 1
    assert counts["products"] >= 1


def test_sql_statements_are_under_the_subgraph_graphql_execution(traces: Traces) -> None:
    traced = traces.storefront
    (orders_request,) = traced.server_span("gocart-orders")
    (execute,) = [span for span in traced.descendants(orders_request) if span.name == "graphql.execute"]

    sql = [span for span in traced.spans if _is_sql(span) and span.service == "gocart-orders"]

    assert sql
    assert all(execute.span_id in _ancestors(traced, span) for span in sql)


def test_a_checkout_follows_orders_into_products_in_one_trace(traces: Traces) -> None:
    traced = traces.checkout
    (products_request, *_) = traced.server_span("gocart-products")
    calls = traced.named("products.call", "gocart-orders")
    (orders_execute,) = traced.named("graphql.execute", "gocart-orders")

    assert {call.attributes["gocart.products.operation"] for call in calls} >= {"entities", "reserveStock"}
    assert all(orders_execute.span_id in _ancestors(traced, call) for call in calls)
    assert {call.span_id for call in calls} & set(_ancestors(traced, products_request))


def test_the_stock_reservation_writes_sql_under_the_products_subgraph_span(traces: Traces) -> None:
    traced = traces.checkout
    products_sql = [span for span in traced.spans if _is_sql(span) and span.service == "gocart-products"]
    executions = {span.span_id for span in traced.named("graphql.execute", "gocart-products")}

    assert products_sql
    assert all(executions & set(_ancestors(traced, span)) for span in products_sql)
