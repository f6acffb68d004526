"""The intake: the `webhooks` consumer queues each event once for every active endpoint that wants it,
in its own transaction, however often the event arrives."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.common.context import AppResources
from subgraphs.orders.webhooks import service
from tests.subgraphs.orders.webhooks.conftest import Admin, Intake, an_event

UPDATE = """
mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: {active: false}) { active } }
"""


async def queued(engine: AsyncEngine) -> list[tuple[str, str]]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT e.url, d.event_type FROM orders.webhook_deliveries d "
                "JOIN orders.webhook_endpoints e ON e.id = d.endpoint_id ORDER BY e.url, d.event_type"
            )
        )
        return [(url, event_type) for url, event_type in rows]


async def test_an_event_is_queued_for_each_endpoint_that_wants_it(
    admin: Admin, intake: Intake, orders_engine: AsyncEngine
) -> None:
    await admin.register("http://127.0.0.1:1/all", ["#"])
    await admin.register("http://127.0.0.1:1/orders", ["order.*"])
    await admin.register("http://127.0.0.1:1/users", ["user.deleted"])

    await intake(an_event("order.paid"))

    assert await queued(orders_engine) == [
        ("http://127.0.0.1:1/all", "order.paid"),
        ("http://127.0.0.1:1/orders", "order.paid"),
    ]


async def test_an_event_delivered_twice_to_the_intake_is_queued_once(
    admin: Admin, intake: Intake, orders_engine: AsyncEngine
) -> None:
    await admin.register("http://127.0.0.1:1/all", ["#"])
    event = an_event()

    assert await intake(event) is True
    assert await intake(event) is False
    assert await queued(orders_engine) == [("http://127.0.0.1:1/all", "order.paid")]


async def test_an_inactive_endpoint_gets_nothing_queued(
    admin: Admin, intake: Intake, orders_engine: AsyncEngine
) -> None:
    endpoint_id = (await admin.register("http://127.0.0.1:1/all", ["#"]))["endpoint"]["id"]
    (await admin.gql.execute(UPDATE, {"id": endpoint_id}, token=admin.token)).ok()

    await intake(an_event())

    assert await queued(orders_engine) == []


async def test_a_repeat_past_the_processed_mark_is_still_queued_once_per_endpoint(
    admin: Admin, orders_resources: AppResources, orders_engine: AsyncEngine
) -> None:
    await admin.register("http://127.0.0.1:1/all", ["#"])
    event = an_event()

    for _ in range(2):
        async with orders_resources.sessions() as session:
            await service.queue_event(session, event)
            await session.commit()

    assert await queued(orders_engine) == [("http://127.0.0.1:1/all", "order.paid")]
