"""The orders subgraph's domain events, through its outbox, relay and the real RabbitMQ: what an
order's life emits, in order, each event valid against its checked-in schema."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from subgraphs.common.events import DomainEvent
from subgraphs.orders.config import OrdersSettings
from subgraphs.orders.main import create_app
from subgraphs.orders.payments import DECLINED_CARD
from tests.subgraphs.orders.shop import CANCEL_ORDER, UPDATE_STATUS, Shop, placed
from tests.support.broker import amqp_url, bound_queue, delete_queues, drain, unique_name
from tests.support.event_schemas import check_against_schema
from tests.support.graphql import GraphQLClient
from tests.support.servers import ThreadServer
from tests.support.tokens import Tokens

pytestmark = pytest.mark.slow  # each case waits for events relayed through RabbitMQ

REQUEST_ID = "events-test-request"


@pytest.fixture
def exchange() -> str:
    return unique_name("events")


@pytest.fixture
async def relaying_app(
    products_server: ThreadServer,
    make_orders_settings: Callable[..., OrdersSettings],
    exchange: str,
    clean_shop: None,
) -> AsyncIterator[FastAPI]:
    """An orders app whose relay publishes to RabbitMQ (the session's app relays nothing); its
    consumer's queue (the webhook intake) is its own, deleted after."""
    settings = make_orders_settings(
        products_server.graphql_url,
        amqp_url=amqp_url(),
        events_exchange=exchange,
        events_queue_prefix=exchange,
        event_relay_interval_seconds=0.05,
    )
    app = create_app(settings)
    async with LifespanManager(app):
        yield app
    await delete_queues(f"{exchange}.orders.webhooks")


@pytest.fixture
async def orders(relaying_app: FastAPI) -> AsyncIterator[GraphQLClient]:
    transport = httpx.ASGITransport(app=relaying_app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://orders", headers={"x-request-id": REQUEST_ID}
    ) as client:
        yield GraphQLClient(client)


def of_order(events: list[DomainEvent], order: dict[str, Any]) -> list[DomainEvent]:
    return [event for event in events if event.aggregate_id == order["id"]]


async def test_a_paid_order_emits_placed_then_paid(
    orders: GraphQLClient, shop: Shop, tokens: Tokens, exchange: str
) -> None:
    mug = await shop.product("EV-1", price="4.50", stock=5)
    async with bound_queue(exchange, "order.*") as queue:
        order = await placed(orders, tokens.customer, (mug, 2))
        received = of_order(await drain(queue, expected=2), order)

    assert [(event.type, event.aggregate_version) for event in received] == [
        ("order.placed", 1),
        ("order.paid", 2),
    ]
    placed_event = received[0]
    assert placed_event.request_id == REQUEST_ID
    assert placed_event.data["items"] == [{"product_id": mug["id"], "quantity": 2, "unit_price": "4.50"}]
    assert placed_event.data["total"] == "9.00"


async def test_a_declined_card_emits_placed_then_payment_failed(
    orders: GraphQLClient, shop: Shop, tokens: Tokens, exchange: str
) -> None:
    mug = await shop.product("EV-2", stock=5)
    async with bound_queue(exchange, "order.*") as queue:
        order = await placed(orders, tokens.customer, (mug, 1), card=DECLINED_CARD)
        received = of_order(await drain(queue, expected=2), order)

    assert [event.type for event in received] == ["order.placed", "order.payment_failed"]
    assert received[1].data["reason"] == "card_declined"


async def test_an_order_through_its_life_emits_every_change_in_order_each_valid_against_its_schema(
    orders: GraphQLClient, shop: Shop, tokens: Tokens, exchange: str
) -> None:
    mug, cup = await shop.product("EV-3", stock=5), await shop.product("EV-4", stock=5)
    async with bound_queue(exchange, "order.#") as queue:
        shipped = await placed(orders, tokens.customer, (mug, 1))
        for status in ("SHIPPED", "DELIVERED"):
            variables = {"id": shipped["id"], "status": status, "note": None}
            (await orders.execute(UPDATE_STATUS, variables, token=tokens.admin)).ok()
        cancelled = await placed(orders, tokens.customer, (cup, 1))
        (
            await orders.execute(CANCEL_ORDER, {"id": cancelled["id"], "reason": "no"}, token=tokens.customer)
        ).ok()
        received = await drain(queue, expected=7)

    assert [event.type for event in of_order(received, shipped)] == [
        "order.placed",
        "order.paid",
        "order.shipped",
        "order.delivered",
    ]
    cancel_events = of_order(received, cancelled)
    assert [event.type for event in cancel_events] == ["order.placed", "order.paid", "order.cancelled"]
    assert cancel_events[-1].data["stock_action"] == "return"
    assert cancel_events[-1].data["refunded"] is True
    for event in received:
        check_against_schema(event)
