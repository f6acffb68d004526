"""The delivery worker against a real receiver: signed deliveries, retries of a failing endpoint,
redelivery, and a slow endpoint that holds up no other."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from subgraphs.common.context import AppResources
from subgraphs.orders.webhooks.schedule import RetrySchedule
from subgraphs.orders.webhooks.sender import WebhookSender
from subgraphs.orders.webhooks.worker import DispatchPolicy, WebhookDispatcher
from tests.subgraphs.orders.webhooks.conftest import Admin, Intake, an_event
from tests.subgraphs.orders.webhooks.receivers import Receiver
from tests.support.tokens import Tokens


async def registered(admin: Admin, receiver: Receiver, path: str, **behaviour: Any) -> str:
    created = await admin.register(receiver.url(path), ["order.*"])
    receiver.expect(path, created["secret"], **behaviour)
    endpoint_id: str = created["endpoint"]["id"]
    return endpoint_id


async def test_a_delivery_arrives_signed_with_the_event_as_its_body(
    admin: Admin, receiver: Receiver, intake: Intake, dispatcher: WebhookDispatcher
) -> None:
    await registered(admin, receiver, "shop")
    event = an_event("order.paid")

    await intake(event)
    (delivery,) = await receiver.wait_for("shop", 1)

    assert delivery.verified
    assert delivery.headers["webhook-id"] == str(event.id)
    assert delivery.headers["content-type"] == "application/json"
    assert json.loads(delivery.body) == json.loads(event.to_json())


async def test_a_delivery_is_logged_with_its_status_and_response_time(
    admin: Admin, receiver: Receiver, intake: Intake, dispatcher: WebhookDispatcher
) -> None:
    endpoint_id = await registered(admin, receiver, "shop")

    await intake(an_event())
    await receiver.wait_for("shop", 1)

    await dispatcher.wait_idle()  # the attempt the receiver saw is recorded
    (delivery,) = await admin.deliveries(endpoint_id)
    assert delivery["status"] == "SUCCEEDED"
    assert delivery["attempts"] == 1
    assert delivery["lastStatusCode"] == 204
    assert delivery["lastResponseTimeMs"] >= 0
    assert delivery["lastError"] is None


async def test_an_endpoint_answering_500_is_retried_until_it_succeeds(
    admin: Admin, receiver: Receiver, intake: Intake, dispatcher: WebhookDispatcher
) -> None:
    endpoint_id = await registered(admin, receiver, "flaky", failures=2)

    await intake(an_event())
    attempts = await receiver.wait_for("flaky", 3)

    assert all(attempt.verified for attempt in attempts)
    assert len({attempt.headers["webhook-id"] for attempt in attempts}) == 1  # the receiver can dedupe

    await dispatcher.wait_idle()  # the attempt the receiver saw is recorded
    (delivery,) = await admin.deliveries(endpoint_id)
    assert delivery["attempts"] == 3


async def test_a_failed_attempt_is_logged_with_what_the_endpoint_answered(
    admin: Admin, receiver: Receiver, intake: Intake, dispatcher: WebhookDispatcher
) -> None:
    endpoint_id = await registered(admin, receiver, "down", failures=1000)

    await intake(an_event())
    await receiver.wait_for("down", 1)

    await dispatcher.wait_idle()
    (delivery,) = await admin.deliveries(endpoint_id)
    assert delivery["status"] == "PENDING"
    assert delivery["lastStatusCode"] == 500
    assert delivery["lastError"] == "HTTP 500: not now"


async def test_a_slow_endpoint_does_not_hold_up_another(
    admin: Admin, receiver: Receiver, intake: Intake, dispatcher: WebhookDispatcher
) -> None:
    held = asyncio.Event()
    await registered(admin, receiver, "slow", release=held)
    await registered(admin, receiver, "fast")

    await intake(an_event())
    await receiver.wait_for("slow", 1)  # and it does not answer
    await intake(an_event())
    await intake(an_event())
    fast = await receiver.wait_for("fast", 3)

    assert not held.is_set()
    assert len(receiver.at("slow")) == 1  # still held: its other deliveries wait for it
    assert all(delivery.verified for delivery in fast)
    held.set()
    assert len(await receiver.wait_for("slow", 3)) == 3


async def test_a_redelivered_delivery_is_sent_again(
    admin: Admin, receiver: Receiver, intake: Intake, dispatcher: WebhookDispatcher
) -> None:
    endpoint_id = await registered(admin, receiver, "shop")
    event = an_event()
    await intake(event)
    await receiver.wait_for("shop", 1)

    await dispatcher.wait_idle()  # the attempt the receiver saw is recorded
    (delivery,) = await admin.deliveries(endpoint_id)
    redelivered = await admin.redeliver(delivery["id"])
    again = await receiver.wait_for("shop", 2)

    assert redelivered["status"] == "PENDING"
    assert again[1].verified
    assert again[1].headers["webhook-id"] == str(event.id)


async def test_a_customer_may_not_redeliver(
    admin: Admin, receiver: Receiver, intake: Intake, dispatcher: WebhookDispatcher, tokens: Tokens
) -> None:
    endpoint_id = await registered(admin, receiver, "shop")
    await intake(an_event())
    await receiver.wait_for("shop", 1)
    (delivery,) = await admin.deliveries(endpoint_id)

    result = await admin.gql.execute(
        "mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id } }",
        {"id": delivery["id"]},
        token=tokens.customer,
    )

    assert result.codes == ["FORBIDDEN"]


async def test_a_delivery_still_failing_when_its_window_is_over_has_failed(
    admin: Admin, receiver: Receiver, intake: Intake, orders_resources: AppResources
) -> None:
    endpoint_id = await registered(admin, receiver, "gone", failures=1000)
    await intake(an_event())
    sender = WebhookSender(timeout_seconds=10)
    worker = WebhookDispatcher(
        sessions=orders_resources.sessions,
        sender=sender,
        policy=DispatchPolicy(),
        schedule=RetrySchedule(base_seconds=60, window_seconds=1),  # the first retry is past the window
    )
    try:
        assert await worker.dispatch_once() == 1
        await worker.wait_idle()
    finally:
        await sender.close()

    (delivery,) = await admin.deliveries(endpoint_id)
    assert (delivery["status"], delivery["attempts"], delivery["lastStatusCode"]) == ("FAILED", 1, 500)
