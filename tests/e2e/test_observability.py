"""Observability of the whole stack as real processes (the three subgraphs, the router and the REST
layer, each logging JSON lines to a file of its own): one request id follows an order placement
through every process, a request without one gets one, no secret reaches a log, and every process's
`/metrics` moves as requests are served."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from subgraphs.common.signing import SigningKey
from tests.e2e.storefront import CARD, Session, Storefront
from tests.subgraphs.users.builders import PASSWORD
from tests.support.graphql import GraphQLClient
from tests.support.services import ServiceUrls
from tests.support.stack import Stack, running_stack

SUBGRAPHS = ("users", "products", "orders")
PROCESSES = (*SUBGRAPHS, "router", "rest")
# Named, as a storefront's operations are: the router labels its metrics and logs with the name.
PLACE_ORDER = """
mutation PlaceOrder($input: PlaceOrderInput!) {
  placeOrder(input: $input) {
    id status items { quantity product { id name } } customer { id email }
  }
}
"""
LOG_WAIT_SECONDS = 10


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stack-logs")


@pytest.fixture(scope="module")
def observed(
    database_url: str,
    services: ServiceUrls,
    cache_namespace: str,
    signing_key: SigningKey,
    service_key: SigningKey,
    log_dir: Path,
) -> Iterator[Stack]:
    with running_stack(
        database_url=database_url,
        redis_url=services.redis_url,
        namespace=f"{cache_namespace}-observed",
        key=signing_key,
        service_key=service_key,
        log_dir=log_dir,
        rest=True,
    ) as stack:
        yield stack


@pytest.fixture
async def http(observed: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


@pytest.fixture
async def storefront(observed: Stack) -> AsyncIterator[Storefront]:
    async with httpx.AsyncClient(base_url=observed.urls["router"], timeout=30) as client:
        yield Storefront(GraphQLClient(client))


@pytest.fixture
async def customer(storefront: Storefront) -> Session:
    email = f"observed-{uuid.uuid4().hex[:8]}@example.com"
    await storefront.router.execute(
        "mutation($email: String!, $password: String!) { register(input: {email: $email, "
        'password: $password, firstName: "Ada", lastName: "Lovelace"}) { id } }',
        {"email": email, "password": PASSWORD},
    )
    return await storefront.login(email)


@pytest.fixture
async def product(storefront: Storefront) -> dict[str, Any]:
    admin = await storefront.admin()
    return await storefront.product(admin, f"Observed {uuid.uuid4().hex[:6]}", stock=50)


async def place_order(
    http: httpx.AsyncClient,
    stack: Stack,
    customer: Session,
    product: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    order_input = {
        "items": [{"productId": product["id"], "quantity": 1}],
        "payment": {"cardNumber": CARD},
        "idempotencyKey": uuid.uuid4().hex,
    }
    response = await http.post(
        stack.graphql_url(),
        json={"query": PLACE_ORDER, "operationName": "PlaceOrder", "variables": {"input": order_input}},
        headers={"authorization": f"Bearer {customer.access_token}", **(headers or {})},
    )
    assert response.status_code == 200, response.text
    assert "errors" not in response.json(), response.text
    return response


def log_lines(log_dir: Path, process: str) -> list[dict[str, Any]]:
    """The JSON lines the process logged so far (anything else it printed is skipped)."""
    lines = []
    for raw in (log_dir / f"{process}.log").read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            decoded = json.loads(raw)
        except ValueError:
            continue
        if isinstance(decoded, dict):
            lines.append(decoded)
    return lines


def lines_with_request_id(
    log_dir: Path, process: str, request_id: str, *, event: str | None = None, at_least: int = 1
) -> list[dict[str, Any]]:
    """The process's lines carrying `request_id` (and naming `event`, when given), waiting a moment
    until `at_least` are there: a process logs a request after answering it, so its line may come
    after the client has its response."""
    deadline = time.monotonic() + LOG_WAIT_SECONDS
    while True:
        found = [
            line
            for line in log_lines(log_dir, process)
            if line.get("request_id") == request_id and (event is None or line.get("event") == event)
        ]
        if len(found) >= at_least or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


async def test_a_client_request_id_is_logged_by_the_router_and_every_subgraph_of_an_order_placement(
    http: httpx.AsyncClient, observed: Stack, customer: Session, product: dict[str, Any], log_dir: Path
) -> None:
    request_id = f"e2e-order-{uuid.uuid4().hex}"

    await place_order(http, observed, customer, product, {"x-request-id": request_id})

    logged_by = {
        process for process in (*SUBGRAPHS, "router") if lines_with_request_id(log_dir, process, request_id)
    }
    assert logged_by == {"users", "products", "orders", "router"}


async def test_orders_forwards_the_request_id_on_its_call_to_products(
    http: httpx.AsyncClient, observed: Stack, customer: Session, product: dict[str, Any], log_dir: Path
) -> None:
    request_id = f"e2e-reserve-{uuid.uuid4().hex}"

    await place_order(http, observed, customer, product, {"x-request-id": request_id})

    # Three requests reach products under the id: the router's fetch of the product's name (as the
    # customer), and orders' reservation and sale of its stock (as the orders service). Orders' pricing
    # call is shared by concurrent checkouts, so it carries no one's id.
    accesses = lines_with_request_id(log_dir, "products", request_id, event="request", at_least=3)
    callers = sorted(str(line.get("subject")) for line in accesses)
    assert callers == sorted(["orders", "orders", customer.user_id])


async def test_the_router_echoes_the_client_request_id(
    http: httpx.AsyncClient, observed: Stack, customer: Session, product: dict[str, Any]
) -> None:
    response = await place_order(http, observed, customer, product, {"x-request-id": "e2e-echo-1"})

    assert response.headers["x-request-id"] == "e2e-echo-1"


async def test_the_router_access_line_names_the_operation_and_the_caller(
    http: httpx.AsyncClient, observed: Stack, customer: Session, product: dict[str, Any], log_dir: Path
) -> None:
    request_id = f"e2e-access-{uuid.uuid4().hex}"

    await place_order(http, observed, customer, product, {"x-request-id": request_id})

    [access] = lines_with_request_id(log_dir, "router", request_id, event="request")
    assert (access["operation"], access["subject"], access["status"]) == (
        "PlaceOrder",
        customer.user_id,
        200,
    )


async def test_a_request_without_an_id_gets_one_that_is_echoed_and_forwarded(
    http: httpx.AsyncClient, observed: Stack, customer: Session, product: dict[str, Any], log_dir: Path
) -> None:
    response = await place_order(http, observed, customer, product)

    request_id = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert lines_with_request_id(log_dir, "router", request_id)
    assert lines_with_request_id(log_dir, "orders", request_id)


async def test_the_rest_layer_passes_its_request_id_to_the_router_and_subgraphs(
    http: httpx.AsyncClient, observed: Stack, log_dir: Path
) -> None:
    request_id = f"e2e-rest-{uuid.uuid4().hex}"

    response = await http.get(
        f"{observed.urls['rest']}/products?limit=1", headers={"x-request-id": request_id}
    )

    assert response.headers["x-request-id"] == request_id
    logged_by = {
        process
        for process in ("rest", "router", "products")
        if lines_with_request_id(log_dir, process, request_id)
    }
    assert logged_by == {"rest", "router", "products"}


async def test_no_password_token_or_card_number_reaches_any_log(
    http: httpx.AsyncClient, observed: Stack, customer: Session, product: dict[str, Any], log_dir: Path
) -> None:
    request_id = f"e2e-secrets-{uuid.uuid4().hex}"
    await place_order(http, observed, customer, product, {"x-request-id": request_id})
    lines_with_request_id(log_dir, "products", request_id)  # the order's lines are written

    logged = "".join((log_dir / f"{process}.log").read_text(errors="replace") for process in PROCESSES)
    secrets = {
        "password": PASSWORD,
        "token": customer.access_token,
        "card": CARD,
        "card digits": CARD.replace(" ", ""),
    }
    assert {name for name, secret in secrets.items() if secret in logged} == set()


# ---------------------------------------------------------------- metrics


async def scrape(
    http: httpx.AsyncClient, base_url: str
) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of the process's `/metrics`, by name and labels."""
    response = await http.get(f"{base_url}/metrics")
    assert response.status_code == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def total(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    """The sum of `name`'s samples whose labels include `labels`."""
    wanted = set(labels.items())
    return sum(value for (sample, have), value in samples.items() if sample == name and wanted <= have)


async def test_the_router_counts_and_times_the_operation_by_name(
    http: httpx.AsyncClient, observed: Stack, customer: Session, product: dict[str, Any]
) -> None:
    before = await scrape(http, observed.urls["router"])
    await place_order(http, observed, customer, product)
    after = await scrape(http, observed.urls["router"])

    labels = {"operation": "PlaceOrder", "outcome": "ok"}
    moved = {
        name: total(after, name, **labels) - total(before, name, **labels)
        for name in ("gocart_router_requests_total", "gocart_router_request_duration_seconds_count")
    }
    assert moved == {"gocart_router_requests_total": 1, "gocart_router_request_duration_seconds_count": 1}


async def test_the_router_times_each_subgraph_fetch_of_the_plan(
    http: httpx.AsyncClient, observed: Stack, customer: Session, product: dict[str, Any]
) -> None:
    before = await scrape(http, observed.urls["router"])
    await place_order(http, observed, customer, product)
    after = await scrape(http, observed.urls["router"])

    name = "gocart_router_subgraph_fetch_duration_seconds_count"
    fetched = {
        subgraph
        for subgraph in SUBGRAPHS
        if total(after, name, subgraph=subgraph, outcome="ok")
        > total(before, name, subgraph=subgraph, outcome="ok")
    }
    assert fetched == {"users", "products", "orders"}


async def test_the_router_counts_plan_cache_misses_then_hits(
    http: httpx.AsyncClient, observed: Stack, customer: Session, product: dict[str, Any]
) -> None:
    await place_order(http, observed, customer, product)  # planned and cached, if it was not already
    before = await scrape(http, observed.urls["router"])
    await place_order(http, observed, customer, product)
    after = await scrape(http, observed.urls["router"])

    name = "gocart_router_plan_cache_lookups_total"
    assert total(after, name, outcome="hit") - total(before, name, outcome="hit") == 1
    assert total(after, name, outcome="miss") == total(before, name, outcome="miss")


@pytest.mark.parametrize("subgraph", SUBGRAPHS)
async def test_each_subgraph_counts_its_operations_and_sql(
    http: httpx.AsyncClient, observed: Stack, customer: Session, product: dict[str, Any], subgraph: str
) -> None:
    before = await scrape(http, observed.urls[subgraph])
    await place_order(http, observed, customer, product)
    after = await scrape(http, observed.urls[subgraph])

    names = ("gocart_graphql_operations_total", "gocart_graphql_operation_duration_seconds_count")
    assert [total(after, name, outcome="ok") > total(before, name, outcome="ok") for name in names] == [
        True,
        True,
    ]
    assert total(after, "gocart_http_requests_total") > total(before, "gocart_http_requests_total")


async def test_orders_runs_sql_and_products_loads_through_its_cache(
    http: httpx.AsyncClient, observed: Stack, customer: Session, product: dict[str, Any]
) -> None:
    orders_before = await scrape(http, observed.urls["orders"])
    products_before = await scrape(http, observed.urls["products"])
    await place_order(http, observed, customer, product)
    orders_after = await scrape(http, observed.urls["orders"])
    products_after = await scrape(http, observed.urls["products"])

    assert total(orders_after, "gocart_sql_statements_total") > total(
        orders_before, "gocart_sql_statements_total"
    )
    lookups = total(products_after, "gocart_cache_lookups_total", kind="product") - total(
        products_before, "gocart_cache_lookups_total", kind="product"
    )
    batches = total(products_after, "gocart_dataloader_batch_size_count", kind="product") - total(
        products_before, "gocart_dataloader_batch_size_count", kind="product"
    )
    assert lookups >= 1
    assert batches >= 1


async def test_the_rest_layer_counts_and_times_requests_by_route(
    http: httpx.AsyncClient, observed: Stack
) -> None:
    before = await scrape(http, observed.urls["rest"])
    response = await http.get(f"{observed.urls['rest']}/products?limit=1")
    after = await scrape(http, observed.urls["rest"])

    assert response.status_code == 200
    labels = {"operation": "list_products", "outcome": "ok"}
    moved = [
        total(after, name, **labels) - total(before, name, **labels)
        for name in ("gocart_rest_requests_total", "gocart_rest_request_duration_seconds_count")
    ]
    assert moved == [1, 1]
