"""The checkout burst: the products and orders subgraphs each in a process of its own (as deployed), one
product with little stock, and many customers placing an order for it at the same moment.

Shared by the fault test (tests/faults/test_checkout_burst.py, which asserts counts) and the benchmark
(bench/checkout_burst.py, which prints latencies). Customers call the orders subgraph directly, as the
router would for a `placeOrder` (the router adds no work to a mutation with one fetch).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Awaitable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from gocart.processes import base_url, subgraph_process
from gocart.servers import free_port
from subgraphs.common.auth import Role
from subgraphs.common.db import async_database_url
from subgraphs.common.signing import SigningKey
from subgraphs.orders.config import OrdersSettings
from subgraphs.orders.payments import SUCCESS_CARD
from subgraphs.products.config import ProductsSettings

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
ISSUER, AUDIENCE = "gocart-users", "gocart"
BUYERS = 200
STOCK = 10
START_SECONDS = 90
STOP_SECONDS = 10
CLIENT_TIMEOUT_SECONDS = 60  # far beyond any answer: a customer who gives up is not what is measured

T = TypeVar("T")

CREATE_PRODUCT = """
mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }
"""
PLACE_ORDER = """
mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }
"""


@dataclass(frozen=True)
class CheckoutServices:
    """The two subgraphs as processes, and what a caller needs to reach them."""

    processes: dict[str, subprocess.Popen[bytes]]
    products_url: str
    orders_url: str
    products_port: int
    key: SigningKey

    def freeze(self, name: str) -> None:
        """Stop the process where it stands (SIGSTOP): it keeps its port and accepts connections, but
        answers nothing, as a process stalled by load or a long pause."""
        self.processes[name].send_signal(signal.SIGSTOP)

    def thaw(self, name: str) -> None:
        self.processes[name].send_signal(signal.SIGCONT)

    def token(self, role: Role, subject: str) -> str:
        return self.key.mint(subject=subject, role=role, issuer=ISSUER, audience=AUDIENCE, ttl_seconds=600)


@contextmanager
def checkout_services(
    *,
    database_url: str,
    redis_url: str,
    namespace: str,
    orders_settings: Mapping[str, Any] | None = None,
    shared_settings: Mapping[str, Any] | None = None,
) -> Iterator[CheckoutServices]:
    """Products and orders as `gocart serve` processes on free ports, with their defaults unless
    `shared_settings` (both) or `orders_settings` say otherwise; stopped on exit. (Processes of its own
    rather than a `Supervisor`: a test freezes and thaws them.)"""
    key = SigningKey.generate()  # signs the customers' and the admin's tokens, as the users subgraph would
    service_key = SigningKey.generate()  # the orders subgraph's own, trusted for the service role only
    products_port = free_port(HOST, 48000)
    orders_port = free_port(HOST, 48000, taken=[products_port])
    common: dict[str, Any] = {
        "host": HOST,
        "database_url": SecretStr(database_url),
        "redis_url": SecretStr(redis_url),
        "cache_namespace": namespace,
        "jwt_issuer": ISSUER,
        "jwt_audience": AUDIENCE,
        "jwt_jwks": SecretStr(key.jwks()),
        "jwt_service_jwks": SecretStr(service_key.jwks()),
        "log_level": "WARNING",
        **dict(shared_settings or {}),
    }
    products = ProductsSettings(**common, port=products_port)
    orders = OrdersSettings(
        **common,
        port=orders_port,
        products_url=f"{base_url(products)}/graphql",
        service_signing_key_pem=SecretStr(service_key.private_pem()),
        service_signing_kid=service_key.kid,
        **dict(orders_settings or {}),
    )
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        # Products first: both migrate on start-up, one schema each, and orders calls products.
        for name, settings in (("products", products), ("orders", orders)):
            spec = subgraph_process(name, settings)
            processes[name] = subprocess.Popen(spec.argv, cwd=ROOT, env={**os.environ, **spec.env})  # noqa: S603
            _wait_until_up(spec.health_url, processes[name])
        yield CheckoutServices(
            processes, f"{base_url(products)}/graphql", f"{base_url(orders)}/graphql", products_port, key
        )
    finally:
        for process in processes.values():
            process.send_signal(signal.SIGCONT)  # a frozen process cannot act on SIGTERM
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(health_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{health_url}: the process exited (code {process.returncode})")
        try:
            with urllib.request.urlopen(health_url, timeout=1) as response:  # noqa: S310  (localhost)
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{health_url} did not answer within {START_SECONDS} s")
        time.sleep(0.1)


# ---------------------------------------------------------------- the burst


@dataclass(frozen=True)
class Answer:
    """What one customer was told: PAID, PAYMENT_FAILED, an error code (and its `reason`, if any), or
    `HTTP <status>`."""

    outcome: str
    seconds: float
    order_id: str | None
    reason: str | None = None


async def _post(
    http: aiohttp.ClientSession, url: str, query: str, variables: Mapping[str, Any], token: str
) -> tuple[int, dict[str, Any]]:
    async with http.post(
        url,
        json={"query": query, "variables": dict(variables)},
        headers={"Authorization": f"Bearer {token}"},
    ) as response:
        body: dict[str, Any] = await response.json(content_type=None)
        return response.status, body


async def create_product(services: CheckoutServices, *, stock: int) -> str:
    """A product for sale with `stock` on hand, created by an admin; its id."""
    variables = {
        "input": {
            "sku": f"BURST-{uuid.uuid4().hex[:10]}",
            "name": "Limited edition",
            "price": "25.00",
            "initialStock": stock,
        }
    }
    admin = services.token(Role.ADMIN, "admin-burst")
    async with aiohttp.ClientSession() as http:
        _, body = await _post(http, services.products_url, CREATE_PRODUCT, variables, admin)
    if body.get("errors"):
        raise RuntimeError(f"Creating the burst's product failed: {body}")
    product_id: str = body["data"]["createProduct"]["id"]
    return product_id


async def _place_order(
    http: aiohttp.ClientSession, services: CheckoutServices, token: str, product_id: str
) -> Answer:
    variables = {
        "input": {
            "items": [{"productId": product_id, "quantity": 1}],
            "payment": {"cardNumber": SUCCESS_CARD},
            "idempotencyKey": str(uuid.uuid4()),
        }
    }
    started = time.perf_counter()
    status, body = await _post(http, services.orders_url, PLACE_ORDER, variables, token)
    seconds = time.perf_counter() - started
    if status >= 500:
        return Answer(f"HTTP {status}", seconds, None)
    errors = body.get("errors") or []
    if errors:
        extensions = errors[0].get("extensions") or {}
        return Answer(str(extensions.get("code")), seconds, None, extensions.get("reason"))
    order = body["data"]["placeOrder"]
    return Answer(str(order["status"]), seconds, str(order["id"]))


async def burst(services: CheckoutServices, *, product_id: str, buyers: int = BUYERS) -> list[Answer]:
    """`buyers` customers (one each) place an order for one unit of the product, all at once."""
    tokens = [services.token(Role.CUSTOMER, f"burst-buyer-{n}") for n in range(buyers)]
    connector = aiohttp.TCPConnector(limit=0)  # every customer has a connection of their own
    timeout = aiohttp.ClientTimeout(total=CLIENT_TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        return list(
            await asyncio.gather(*(_place_order(http, services, token, product_id) for token in tokens))
        )


async def steady_orders(
    services: CheckoutServices, *, product_id: str, orders: int, concurrency: int
) -> list[Answer]:
    """`orders` orders of one unit each, placed by `concurrency` customers one after another (a steady
    load, not a burst: what throughput is measured with)."""
    remaining = iter(range(orders))
    answers: list[Answer] = []
    timeout = aiohttp.ClientTimeout(total=CLIENT_TIMEOUT_SECONDS)

    async def customer(token: str) -> None:
        for _ in remaining:
            answers.append(await _place_order(http, services, token, product_id))

    async with aiohttp.ClientSession(timeout=timeout) as http:
        tokens = [services.token(Role.CUSTOMER, f"steady-buyer-{n}") for n in range(concurrency)]
        await asyncio.gather(*(customer(token) for token in tokens))
    return answers


def outcome_counts(answers: Sequence[Answer]) -> dict[str, int]:
    return dict(Counter(answer.outcome for answer in answers))


# ---------------------------------------------------------------- what is held afterwards


@dataclass(frozen=True)
class StockState:
    """The product's counts, and the units products holds or has sold per order, by the order's fate."""

    on_hand: int
    reserved: int
    held_for_paid: int  # reserved, for orders that are PAID (their commit is owed)
    sold_to_paid: int  # committed, for orders that are PAID
    held_or_sold_otherwise: int  # reserved or committed for an order that is not PAID (or is gone)


async def stock_state(database_url: str, product_id: str) -> StockState:
    """Read straight from both subgraphs' tables (one database, a schema each)."""
    engine = create_async_engine(async_database_url(database_url))
    try:
        async with engine.connect() as connection:
            counts = (
                await connection.execute(
                    text("SELECT stock_on_hand, stock_reserved FROM products.products WHERE id = :id"),
                    {"id": product_id},
                )
            ).one()
            rows = (
                await connection.execute(
                    text(
                        "SELECT r.status, (o.status = 'paid') AS paid, sum(l.quantity) "
                        "FROM products.stock_reservations r "
                        "JOIN products.stock_reservation_lines l ON l.order_id = r.order_id "
                        "LEFT JOIN orders.orders o ON o.id = r.order_id "
                        "WHERE l.product_id = :id AND r.status IN ('reserved', 'committed') "
                        "GROUP BY r.status, (o.status = 'paid')"
                    ),
                    {"id": product_id},
                )
            ).all()
    finally:
        await engine.dispose()
    units = {(status, bool(paid)): int(quantity) for status, paid, quantity in rows}
    return StockState(
        on_hand=int(counts.stock_on_hand),
        reserved=int(counts.stock_reserved),
        held_for_paid=units.get(("reserved", True), 0),
        sold_to_paid=units.get(("committed", True), 0),
        held_or_sold_otherwise=units.get(("reserved", False), 0) + units.get(("committed", False), 0),
    )


# ---------------------------------------------------------------- connections to a process


def connections_to(port: int) -> int:
    """Established TCP connections to 127.0.0.1:`port`, as the kernel counts them (/proc/net/tcp): also
    those a stopped process has not accepted yet."""
    established = "01"
    count = 0
    with open("/proc/net/tcp") as table:
        next(table)
        for line in table:
            local, state = line.split()[1], line.split()[3]
            if state == established and int(local.split(":")[1], 16) == port:
                count += 1
    return count


async def most_connections_while(port: int, work: Awaitable[T]) -> tuple[T, int]:
    """Run `work`, sampling the connections to `port` meanwhile; its result and the most seen."""
    most = 0
    task = asyncio.ensure_future(work)
    while not task.done():
        most = max(most, connections_to(port))
        await asyncio.wait({task}, timeout=0.01)
    return task.result(), most
