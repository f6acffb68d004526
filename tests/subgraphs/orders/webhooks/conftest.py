"""Fixtures of the webhook tests: a real receiver, the session's orders app (its own webhook worker is
off), a dispatcher of the test's own with a fast retry schedule, and the intake consumer."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.common.context import AppResources
from subgraphs.common.event_consumers import OnceByEventId
from subgraphs.common.events import DomainEvent
from subgraphs.orders.models import EVENTS
from subgraphs.orders.webhooks.consumer import webhook_consumers
from subgraphs.orders.webhooks.schedule import RetrySchedule
from subgraphs.orders.webhooks.sender import WebhookSender
from subgraphs.orders.webhooks.worker import DispatchPolicy, WebhookDispatcher
from tests.subgraphs.orders.webhooks.receivers import Receiver
from tests.support.graphql import GraphQLClient
from tests.support.servers import serve
from tests.support.tables import empty_tables
from tests.support.tokens import Tokens

WEBHOOK_TABLES = ("orders.webhook_deliveries", "orders.webhook_endpoints")
FAST_RETRIES = RetrySchedule(base_seconds=0.05, max_delay_seconds=0.2, window_seconds=120)

CREATE_ENDPOINT = """
mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { secret endpoint { id url eventTypes active createdAt } }
}
"""
ENDPOINTS = """
query($first: Int, $after: String, $deliveries: Int) {
  webhookEndpoints(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id url eventTypes active
      deliveries(first: $deliveries) {
        pageInfo { hasNextPage }
        nodes { id eventId eventType status attempts lastStatusCode lastResponseTimeMs lastError }
      }
    }
  }
}
"""
REDELIVER = """
mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id status attempts nextAttemptAt } }
"""


@pytest.fixture
async def clean_webhooks(orders_engine: AsyncEngine) -> None:
    await empty_tables(orders_engine, WEBHOOK_TABLES)
    async with orders_engine.begin() as connection:
        await connection.execute(text("DELETE FROM orders.processed_events WHERE consumer = 'webhooks'"))


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A receiver served over real HTTP on localhost in the test's event loop."""
    receiving = Receiver()
    async with serve_receiver(receiving):
        yield receiving


@contextlib.asynccontextmanager
async def serve_receiver(receiving: Receiver) -> AsyncIterator[None]:
    async with serve(receiving.app()) as base_url:
        receiving.base_url = base_url
        try:
            yield
        finally:
            receiving.release_all()


@pytest.fixture
async def admin(gql: GraphQLClient, tokens: Tokens, clean_webhooks: None) -> Admin:
    return Admin(gql, tokens.admin)


class Admin:
    """Registers and reads endpoints through the orders subgraph's GraphQL, as an admin."""

    def __init__(self, gql: GraphQLClient, token: str) -> None:
        self.gql = gql
        self.token = token

    async def register(self, url: str, event_types: list[str], secret: str | None = None) -> dict[str, Any]:
        variables = {"input": {"url": url, "eventTypes": event_types, "secret": secret}}
        created: dict[str, Any] = (await self.gql.execute(CREATE_ENDPOINT, variables, token=self.token)).ok()[
            "createWebhookEndpoint"
        ]
        return created

    async def endpoints(self, **variables: Any) -> list[dict[str, Any]]:
        data = (await self.gql.execute(ENDPOINTS, variables, token=self.token)).ok()
        nodes: list[dict[str, Any]] = data["webhookEndpoints"]["nodes"]
        return nodes

    async def deliveries(self, endpoint_id: str) -> list[dict[str, Any]]:
        for endpoint in await self.endpoints(first=100):
            if endpoint["id"] == endpoint_id:
                deliveries: list[dict[str, Any]] = endpoint["deliveries"]["nodes"]
                return deliveries
        raise AssertionError(f"no endpoint {endpoint_id}")

    async def redeliver(self, delivery_id: str) -> dict[str, Any]:
        redelivered: dict[str, Any] = (
            await self.gql.execute(REDELIVER, {"id": delivery_id}, token=self.token)
        ).ok()["redeliverWebhook"]
        return redelivered


def an_event(event_type: str = "order.paid") -> DomainEvent:
    return DomainEvent(
        id=uuid.uuid4(),
        type=event_type,
        schema_version=1,
        source="orders",
        time=datetime.now(UTC),
        aggregate_type="order",
        aggregate_id=str(uuid.uuid4()),
        aggregate_version=1,
        request_id=None,
        trace_id=None,
        data={"order_id": str(uuid.uuid4()), "customer_id": "customer-1"},
    )


Intake = Callable[[DomainEvent], Awaitable[bool]]


@pytest.fixture
def intake(orders_resources: AppResources, clean_webhooks: None) -> Intake:
    """The orders app's `webhooks` consumer, as the relay or the broker hands it an event."""
    (consumer,) = webhook_consumers(orders_resources)
    return OnceByEventId(consumer, sessions=orders_resources.sessions, tables=EVENTS)


@pytest.fixture
async def dispatcher(
    orders_resources: AppResources, clean_webhooks: None
) -> AsyncIterator[WebhookDispatcher]:
    """A webhook worker on the orders app's database, looping fast, with a fast retry schedule."""
    sender = WebhookSender(timeout_seconds=10)
    worker = WebhookDispatcher(
        sessions=orders_resources.sessions,
        sender=sender,
        policy=DispatchPolicy(interval_seconds=0.05, max_concurrency=10, per_endpoint=2, timeout_seconds=10),
        schedule=FAST_RETRIES,
    )
    loop = asyncio.create_task(worker.run_forever())
    yield worker
    loop.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await loop
    await sender.close()
