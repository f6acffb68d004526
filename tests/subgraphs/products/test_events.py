"""The products subgraph's domain events as its outbox holds them (catalogue and stock changes, each
valid against its schema, in version order), and its stock safety net consuming the orders' events."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.common.context import AppResources
from subgraphs.common.event_consumers import OnceByEventId
from subgraphs.common.events import DomainEvent, event_from_row
from subgraphs.products.consumers import product_consumers
from subgraphs.products.models import EVENTS
from tests.subgraphs.products.builders import Catalog
from tests.subgraphs.products.test_stock import RESTOCK, new_order, reserve, stock_of
from tests.support.event_schemas import check_against_schema
from tests.support.graphql import GraphQLClient
from tests.support.tokens import Tokens

UPDATE_PRICE = 'mutation($id: ID!) { updateProduct(id: $id, input: {price: "12.00"}) { id } }'
DELETE = "mutation($id: ID!) { deleteProduct(id: $id) { id } }"


async def events_of(engine: AsyncEngine, product: dict[str, Any]) -> list[DomainEvent]:
    outbox = EVENTS.outbox
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(outbox).where(outbox.c.aggregate_id == product["id"]).order_by(outbox.c.position)
        )
        return [event_from_row(row) for row in rows.mappings()]


def an_order_event(event_type: str, order_id: str, **data: Any) -> DomainEvent:
    return DomainEvent(
        id=uuid.uuid4(),
        type=event_type,
        schema_version=1,
        source="orders",
        time=datetime.now(UTC),
        aggregate_type="order",
        aggregate_id=order_id,
        aggregate_version=2,
        request_id=None,
        trace_id=None,
        data={"order_id": order_id, "customer_id": "customer-1", **data},
    )


async def test_a_product_s_catalogue_and_stock_changes_are_events_in_order_each_valid(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens, products_engine: AsyncEngine
) -> None:
    product = await catalog.product("EVP-1", stock=10)
    (await gql.execute(UPDATE_PRICE, {"id": product["id"]}, token=tokens.admin)).ok()
    (await gql.execute(RESTOCK, {"id": product["id"], "q": 3}, token=tokens.admin)).ok()
    (await gql.execute(DELETE, {"id": product["id"]}, token=tokens.admin)).ok()

    events = await events_of(products_engine, product)

    assert [(event.type, event.aggregate_version) for event in events] == [
        ("product.created", 1),
        ("stock.changed", 2),
        ("product.updated", 3),
        ("stock.changed", 4),
        ("product.deleted", 5),
    ]
    assert events[2].data["changed"] == ["price"]
    assert (events[3].data["on_hand"], events[3].data["on_hand_delta"]) == (13, 3)
    for event in events:
        check_against_schema(event)


async def test_stock_low_is_emitted_once_when_available_stock_drops_below_the_threshold(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens, products_engine: AsyncEngine
) -> None:
    product = await catalog.product("EVP-2", stock=6)  # the default threshold is 5
    for _ in range(3):  # available 5, then 4 (below), then 3
        (await reserve(gql, tokens, new_order(), (product, 1))).ok()

    events = await events_of(products_engine, product)

    low = [event for event in events if event.type == "stock.low"]
    assert [(event.data["available"], event.data["threshold"]) for event in low] == [(4, 5)]
    reservations = [event.data["available"] for event in events if event.type == "stock.changed"]
    assert reservations == [6, 5, 4, 3]
    for event in events:
        check_against_schema(event)


async def test_order_paid_sells_the_order_s_held_stock_when_the_stock_task_did_not(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens, products_resources: AppResources
) -> None:
    product = await catalog.product("EVP-3", stock=5)
    order_id = new_order()
    (await reserve(gql, tokens, order_id, (product, 2))).ok()
    safety_net = OnceByEventId(
        product_consumers(products_resources)[0], sessions=products_resources.sessions, tables=EVENTS
    )

    await safety_net(an_order_event("order.paid", order_id))

    assert await stock_of(gql, tokens, product) == {"onHand": 3, "reserved": 0, "available": 3}


async def test_order_cancelled_gives_back_the_stock_an_order_bought(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens, products_resources: AppResources
) -> None:
    product = await catalog.product("EVP-4", stock=5)
    order_id = new_order()
    (await reserve(gql, tokens, order_id, (product, 2))).ok()
    safety_net = OnceByEventId(
        product_consumers(products_resources)[0], sessions=products_resources.sessions, tables=EVENTS
    )
    await safety_net(an_order_event("order.paid", order_id))

    await safety_net(an_order_event("order.cancelled", order_id, stock_action="return"))

    assert await stock_of(gql, tokens, product) == {"onHand": 5, "reserved": 0, "available": 5}


async def test_an_order_event_products_cannot_act_on_is_dropped_not_retried(
    gql: GraphQLClient, tokens: Tokens, products_resources: AppResources
) -> None:
    safety_net = OnceByEventId(
        product_consumers(products_resources)[0], sessions=products_resources.sessions, tables=EVENTS
    )

    handled = await safety_net(an_order_event("order.paid", new_order()))  # no reservation: NOT_FOUND

    assert handled is True
