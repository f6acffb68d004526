"""From a checkout to a signed webhook: the orders app relays its outbox to the `webhooks` consumer,
through RabbitMQ or in process, and its worker delivers to a real receiver.

The outbox is shared with earlier tests (whose apps relay nothing), so a relay here sends their events
too: each test looks at its own order's deliveries."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from subgraphs.orders.config import OrdersSettings
from subgraphs.orders.main import create_app
from tests.conftest import Tokens
from tests.subgraphs.orders.shop import Shop, placed
from tests.subgraphs.orders.webhooks.conftest import Admin
from tests.subgraphs.orders.webhooks.receivers import Received, Receiver
from tests.support.broker import amqp_url, delete_queues, unique_name
from tests.support.graphql import GraphQLClient
from tests.support.servers import ThreadServer

FAST = {
    "event_relay_interval_seconds": 0.05,
    "webhook_interval_seconds": 0.05,
    "webhook_retry_base_seconds": 0.05,
}


def of_order(order: dict[str, Any]) -> Callable[[Received], bool]:
    return lambda delivery: delivery.verified and delivery.payload["aggregate_id"] == order["id"]


@contextlib.asynccontextmanager
async def running(settings: OrdersSettings) -> AsyncIterator[GraphQLClient]:
    app: FastAPI = create_app(settings)
    # Generous: on a loaded machine, stopping may wait for a relay pass over earlier tests' events.
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://orders") as client:
            yield GraphQLClient(client)


@pytest.fixture
async def in_process_orders(
    products_server: ThreadServer, make_orders_settings: Callable[..., OrdersSettings], admin: Admin
) -> AsyncIterator[GraphQLClient]:
    """An orders app with no broker: its relay hands events to its own consumers."""
    async with running(make_orders_settings(products_server.graphql_url, **FAST)) as orders:
        yield orders


@pytest.fixture
async def brokered_orders(
    products_server: ThreadServer, make_orders_settings: Callable[..., OrdersSettings], admin: Admin
) -> AsyncIterator[GraphQLClient]:
    """An orders app relaying through RabbitMQ (an exchange and queues of its own, deleted after)."""
    prefix = unique_name("webhooks")
    settings = make_orders_settings(
        products_server.graphql_url,
        amqp_url=amqp_url(),
        events_exchange=prefix,
        events_queue_prefix=prefix,
        **FAST,
    )
    async with running(settings) as orders:
        yield orders
    await delete_queues(f"{prefix}.orders.webhooks", exchange=prefix)


async def test_a_paid_order_reaches_the_endpoint_signed_without_a_broker(
    in_process_orders: GraphQLClient, admin: Admin, receiver: Receiver, shop: Shop, tokens: Tokens
) -> None:
    created = await admin.register(receiver.url("shop"), ["order.placed", "order.paid"])
    receiver.expect("shop", created["secret"])
    mug = await shop.product("WH-1", price="4.50", stock=5)

    order = await placed(in_process_orders, tokens.customer, (mug, 1))
    deliveries = await receiver.wait_for("shop", 2, where=of_order(order))

    assert all(delivery.verified for delivery in deliveries)
    assert sorted(delivery.payload["type"] for delivery in deliveries) == ["order.paid", "order.placed"]


async def test_a_paid_order_reaches_the_endpoint_signed_through_rabbitmq(
    brokered_orders: GraphQLClient, admin: Admin, receiver: Receiver, shop: Shop, tokens: Tokens
) -> None:
    created = await admin.register(receiver.url("shop"), ["order.paid"])
    receiver.expect("shop", created["secret"])
    mug = await shop.product("WH-2", price="4.50", stock=5)

    order = await placed(brokered_orders, tokens.customer, (mug, 1))
    (delivery,) = await receiver.wait_for("shop", 1, where=of_order(order))

    assert delivery.verified
    assert delivery.payload["type"] == "order.paid"
