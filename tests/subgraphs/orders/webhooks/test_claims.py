"""How workers share deliveries: a claimed delivery is leased to its worker, a worker takes a bounded
number of one endpoint's deliveries, and an attempt that lost its lease meanwhile records nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from subgraphs.common.context import AppResources
from subgraphs.orders.webhooks.schedule import RetrySchedule
from subgraphs.orders.webhooks.sender import WebhookSender
from subgraphs.orders.webhooks.worker import DispatchPolicy, WebhookDispatcher
from tests.subgraphs.orders.webhooks.conftest import Admin, Intake, an_event
from tests.subgraphs.orders.webhooks.receivers import Receiver

Workers = Callable[[], WebhookDispatcher]


@pytest.fixture
async def workers(orders_resources: AppResources) -> AsyncIterator[Workers]:
    """Dispatchers that run only when the test calls them (per endpoint: 2 at a time)."""
    sender = WebhookSender(timeout_seconds=10)
    made: list[WebhookDispatcher] = []

    def make() -> WebhookDispatcher:
        worker = WebhookDispatcher(
            sessions=orders_resources.sessions,
            sender=sender,
            policy=DispatchPolicy(max_concurrency=10, per_endpoint=2),
            schedule=RetrySchedule(),
        )
        made.append(worker)
        return worker

    yield make
    for worker in made:
        await worker.stop()
    await sender.close()


async def test_a_worker_takes_at_most_its_per_endpoint_share_and_leaves_other_endpoints_theirs(
    admin: Admin, receiver: Receiver, intake: Intake, workers: Workers
) -> None:
    held = asyncio.Event()
    for path in ("busy", "quiet"):
        created = await admin.register(receiver.url(path), ["order.*"])
        receiver.expect(path, created["secret"], release=held)
    for _ in range(5):
        await intake(an_event())

    assert await workers().dispatch_once() == 4  # 2 of each endpoint's 5


async def test_what_one_worker_claimed_another_leaves_alone(
    admin: Admin, receiver: Receiver, intake: Intake, workers: Workers
) -> None:
    held = asyncio.Event()
    created = await admin.register(receiver.url("shop"), ["order.*"])
    receiver.expect("shop", created["secret"], release=held)
    await intake(an_event())
    first, second = workers(), workers()

    assert await first.dispatch_once() == 1
    assert await second.dispatch_once() == 0
    held.set()
    await first.wait_idle()
    (delivery,) = await admin.deliveries(created["endpoint"]["id"])
    assert (delivery["status"], delivery["attempts"]) == ("SUCCEEDED", 1)


async def test_a_redelivery_asked_for_during_an_attempt_stands(
    admin: Admin, receiver: Receiver, intake: Intake, workers: Workers
) -> None:
    held = asyncio.Event()
    created = await admin.register(receiver.url("shop"), ["order.*"])
    receiver.expect("shop", created["secret"], release=held)
    await intake(an_event())
    worker = workers()
    await worker.dispatch_once()
    await receiver.wait_for("shop", 1)
    (delivery,) = await admin.deliveries(created["endpoint"]["id"])

    await admin.redeliver(delivery["id"])
    held.set()
    await worker.wait_idle()

    (after,) = await admin.deliveries(created["endpoint"]["id"])
    assert (after["status"], after["attempts"]) == ("PENDING", 0)  # due again, not marked sent
