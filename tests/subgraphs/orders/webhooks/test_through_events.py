"""From a checkout to a signed webhook: the orders app relays its outbox to the `webhooks` consumer,
through RabbitMQ or in process, and its worker delivers to a real receiver.

The outbox is shared with earlier tests (whose apps relay nothing), so a relay here sends their events
too: each test looks at its own order's deliveries."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from subgraphs.common.amqp import AmqpSink, BrokerAddress
from subgraphs.common.events import DomainEvent
from subgraphs.orders.config import OrdersSettings
from subgraphs.orders.main import create_app
from subgraphs.orders.webhooks.worker import WebhookDispatcher
from tests.subgraphs.orders.shop import Shop, placed
from tests.subgraphs.orders.webhooks.conftest import Admin, an_event
from tests.subgraphs.orders.webhooks.receivers import Received, Receiver
from tests.support.broker import amqp_url, delete_queues, unique_name
from tests.support.graphql import GraphQLClient
from tests.support.servers import ThreadServer
from tests.support.tokens import Tokens

pytestmark = pytest.mark.slow  # events through RabbitMQ to an HTTP endpoint of its own

FAST = {
    "event_relay_interval_seconds": 0.05,
    "webhook_interval_seconds": 0.05,
    "webhook_retry_base_seconds": 0.05,
}


def of_order(order: dict[str, Any]) -> Callable[[Received], bool]:
    return lambda delivery: delivery.verified and delivery.payload["aggregate_id"] == order["id"]


def of_event(event: DomainEvent) -> Callable[[Received], bool]:
    return lambda delivery: delivery.verified and delivery.payload["id"] == str(event.id)


@dataclass(frozen=True)
class OrdersApp:
    app: FastAPI
    http: httpx.AsyncClient
    gql: GraphQLClient


@contextlib.asynccontextmanager
async def running(settings: OrdersSettings) -> AsyncIterator[OrdersApp]:
    app: FastAPI = create_app(settings)
    # Generous: on a loaded machine, stopping may wait for a relay pass over earlier tests' events.
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://orders") as client:
            yield OrdersApp(app, client, GraphQLClient(client))


@pytest.fixture
async def in_process_orders(
    products_server: ThreadServer, make_orders_settings: Callable[..., OrdersSettings], admin: Admin
) -> AsyncIterator[OrdersApp]:
    """An orders app with no broker: its relay hands events to its own consumers."""
    async with running(make_orders_settings(products_server.graphql_url, **FAST)) as orders:
        yield orders


@pytest.fixture
def exchange() -> str:
    return unique_name("webhooks")


@pytest.fixture
async def brokered_orders(
    products_server: ThreadServer,
    make_orders_settings: Callable[..., OrdersSettings],
    admin: Admin,
    exchange: str,
) -> AsyncIterator[OrdersApp]:
    """An orders app relaying through RabbitMQ (an exchange and queues of its own, deleted after)."""
    settings = make_orders_settings(
        products_server.graphql_url,
        amqp_url=amqp_url(),
        events_exchange=exchange,
        events_queue_prefix=exchange,
        **FAST,
    )
    async with running(settings) as orders:
        yield orders
    await delete_queues(f"{exchange}.orders.webhooks", exchange=exchange)


async def test_a_paid_order_reaches_the_endpoint_signed_without_a_broker(
    in_process_orders: OrdersApp, admin: Admin, receiver: Receiver, shop: Shop, tokens: Tokens
) -> None:
    created = await admin.register(receiver.url("shop"), ["order.placed", "order.paid"])
    receiver.expect("shop", created["secret"])
    mug = await shop.product("WH-1", price="4.50", stock=5)

    order = await placed(in_process_orders.gql, tokens.customer, (mug, 1))
    deliveries = await receiver.wait_for("shop", 2, where=of_order(order))

    assert all(delivery.verified for delivery in deliveries)
    assert sorted(delivery.payload["type"] for delivery in deliveries) == ["order.paid", "order.placed"]


async def test_a_paid_order_reaches_the_endpoint_signed_through_rabbitmq(
    brokered_orders: OrdersApp, admin: Admin, receiver: Receiver, shop: Shop, tokens: Tokens
) -> None:
    created = await admin.register(receiver.url("shop"), ["order.paid"])
    receiver.expect("shop", created["secret"])
    mug = await shop.product("WH-2", price="4.50", stock=5)

    order = await placed(brokered_orders.gql, tokens.customer, (mug, 1))
    (delivery,) = await receiver.wait_for("shop", 1, where=of_order(order))

    assert delivery.verified
    assert delivery.payload["type"] == "order.paid"


async def test_another_subgraphs_event_reaches_the_endpoint_through_rabbitmq(
    brokered_orders: OrdersApp, admin: Admin, receiver: Receiver, exchange: str
) -> None:
    created = await admin.register(receiver.url("catalogue"), ["product.*"])
    receiver.expect("catalogue", created["secret"])
    event = an_event("product.updated").model_copy(update={"source": "products", "aggregate_type": "product"})

    sink = AmqpSink(BrokerAddress(amqp_url(), exchange))  # as the products subgraph's relay publishes
    ours = of_event(event)
    try:
        async with asyncio.timeout(20):
            while not receiver.at("catalogue", ours):
                # Again until the app's queue is bound (at startup, meanwhile): the intake takes it once.
                await sink.deliver(event)
                with contextlib.suppress(TimeoutError):
                    await receiver.wait_for("catalogue", 1, where=ours, timeout_seconds=0.5)
    finally:
        await sink.close()
    delivery = receiver.at("catalogue", ours)[0]

    assert delivery.verified
    assert delivery.headers["webhook-id"] == str(event.id)


async def test_each_attempt_is_counted_in_the_orders_metrics(
    in_process_orders: OrdersApp, admin: Admin, receiver: Receiver, shop: Shop, tokens: Tokens
) -> None:
    created = await admin.register(receiver.url("shop"), ["order.paid"])
    receiver.expect("shop", created["secret"])
    mug = await shop.product("WH-3", stock=5)

    order = await placed(in_process_orders.gql, tokens.customer, (mug, 1))
    await receiver.wait_for("shop", 1, where=of_order(order))

    dispatcher: WebhookDispatcher = in_process_orders.app.state.webhooks
    await dispatcher.wait_idle()  # the attempt the receiver saw is recorded and counted
    metrics = await scrape(in_process_orders)

    assert 'gocart_orders_webhook_attempts_total{outcome="succeeded"}' in metrics
    assert "gocart_orders_webhook_attempt_duration_seconds_bucket" in metrics


async def scrape(orders: OrdersApp) -> str:
    return (await orders.http.get("/metrics")).text
