"""The `router-cache` consumer: a subgraph's events name what they changed to the router's
invalidation API, over real HTTP to a small stand-in of that API, and a call the router did not
confirm leaves the event to be tried again."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.common.db import SessionFactory, create_engine, create_session_factory
from subgraphs.common.event_consumers import EventConsumer, OnceByEventId
from subgraphs.common.events import DomainEvent, EventTables
from subgraphs.common.router_notifier import (
    CONSUMER_NAME,
    RouterInvalidationFailed,
    RouterNotifier,
    notifier_from_settings,
    router_cache_consumers,
)
from subgraphs.common.settings import SubgraphSettings
from tests.subgraphs.common.events_support import create_outbox
from tests.support.servers import serve

SECRET = "the-invalidation-secret"


def an_event(event_type: str, aggregate_type: str = "product") -> DomainEvent:
    return DomainEvent(
        id=uuid.uuid4(),
        type=event_type,
        schema_version=1,
        source="products",
        time=datetime.now(UTC),
        aggregate_type=aggregate_type,
        aggregate_id=str(uuid.uuid4()),
        aggregate_version=1,
        request_id=None,
        trace_id=None,
        data={},
    )


@dataclass
class InvalidationApi:
    """What the stand-in router was sent, and what it answers next (`status`)."""

    url: str = ""
    bodies: list[Any] = field(default_factory=list)
    authorizations: list[str | None] = field(default_factory=list)
    status: int = 200


@pytest.fixture
async def router_api() -> AsyncIterator[InvalidationApi]:
    api = InvalidationApi()
    app = FastAPI()

    @app.post("/invalidation")
    async def invalidation(request: Request) -> JSONResponse:
        api.bodies.append(await request.json())
        api.authorizations.append(request.headers.get("authorization"))
        if api.status != 200:
            return JSONResponse({"errors": [{"message": "no"}]}, status_code=api.status)
        return JSONResponse({"count": 3})

    async with serve(app) as base_url:
        api.url = f"{base_url}/invalidation"
        yield api


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def notifier(router_api: InvalidationApi, clock: Clock) -> AsyncIterator[RouterNotifier]:
    notifier = RouterNotifier(url=router_api.url, secret=SECRET, pause_seconds=3.0, clock=clock)
    yield notifier
    await notifier.aclose()


def the_consumer(subgraph: str, notifier: RouterNotifier) -> EventConsumer:
    (consumer,) = router_cache_consumers(subgraph, notifier)
    return consumer


async def test_a_product_event_names_the_product_to_the_router(
    router_api: InvalidationApi, notifier: RouterNotifier
) -> None:
    event = an_event("product.updated")
    await the_consumer("products", notifier).handle(None, event)  # type: ignore[arg-type]
    assert router_api.bodies == [
        [{"kind": "entity", "subgraph": "products", "type": "Product", "key": {"id": event.aggregate_id}}]
    ]
    assert router_api.authorizations == [f"Bearer {SECRET}"]


async def test_a_stock_change_names_its_product(
    router_api: InvalidationApi, notifier: RouterNotifier
) -> None:
    event = an_event("stock.changed")
    await the_consumer("products", notifier).handle(None, event)  # type: ignore[arg-type]
    assert router_api.bodies[0][0]["key"] == {"id": event.aggregate_id}


async def test_a_user_event_names_the_user(router_api: InvalidationApi, notifier: RouterNotifier) -> None:
    event = an_event("user.deleted", aggregate_type="user")
    await the_consumer("users", notifier).handle(None, event)  # type: ignore[arg-type]
    assert router_api.bodies[0] == [
        {"kind": "entity", "subgraph": "users", "type": "User", "key": {"id": event.aggregate_id}}
    ]


def test_each_subgraph_consumes_only_its_own_events(notifier: RouterNotifier) -> None:
    products = the_consumer("products", notifier)
    assert products.wants("product.created")
    assert products.wants("stock.changed")
    assert not products.wants("user.deleted")
    assert not products.wants("order.paid")
    assert not the_consumer("users", notifier).wants("product.updated")


def test_a_subgraph_the_router_caches_nothing_of_has_no_consumer(notifier: RouterNotifier) -> None:
    assert router_cache_consumers("orders", notifier) == ()


def test_without_the_routers_address_and_secret_there_is_no_notifier() -> None:
    assert notifier_from_settings(SubgraphSettings()) is None
    assert notifier_from_settings(SubgraphSettings(router_invalidation_url="http://x/invalidation")) is None
    configured = SubgraphSettings(
        router_invalidation_url="http://x/invalidation",
        router_invalidation_secret=SECRET,
    )
    assert isinstance(notifier_from_settings(configured), RouterNotifier)


async def test_a_refused_invalidation_raises_so_the_event_is_tried_again(
    router_api: InvalidationApi, notifier: RouterNotifier
) -> None:
    router_api.status = 503
    with pytest.raises(RouterInvalidationFailed):
        await the_consumer("products", notifier).handle(None, an_event("product.updated"))  # type: ignore[arg-type]


async def test_an_unreachable_router_raises() -> None:
    notifier = RouterNotifier(url="http://127.0.0.1:9/invalidation", secret=SECRET, timeout_seconds=1.0)
    try:
        with pytest.raises(RouterInvalidationFailed):
            await notifier.invalidate([{"kind": "type", "subgraph": "products", "type": "Product"}])
    finally:
        await notifier.aclose()


async def test_after_a_failure_calls_fail_fast_until_the_pause_is_over(
    router_api: InvalidationApi, notifier: RouterNotifier, clock: Clock
) -> None:
    request = [{"kind": "type", "subgraph": "products", "type": "Product"}]
    router_api.status = 503
    with pytest.raises(RouterInvalidationFailed):
        await notifier.invalidate(request)
    router_api.status = 200
    with pytest.raises(RouterInvalidationFailed):
        await notifier.invalidate(request)
    assert len(router_api.bodies) == 1  # the second call never reached the router
    clock.now += 3.5
    assert await notifier.invalidate(request) == 3
    assert len(router_api.bodies) == 2


async def test_a_wrong_secret_is_a_failure(router_api: InvalidationApi, notifier: RouterNotifier) -> None:
    router_api.status = 401
    with pytest.raises(RouterInvalidationFailed):
        await notifier.invalidate([{"kind": "type", "subgraph": "products", "type": "Product"}])


async def test_a_router_without_its_invalidation_api_holds_nothing_to_drop(
    router_api: InvalidationApi, notifier: RouterNotifier
) -> None:
    router_api.status = 404
    assert await notifier.invalidate([{"kind": "type", "subgraph": "products", "type": "Product"}]) == 0


@pytest.fixture
async def events_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=2, application_name="gocart-test-router-notifier")
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(events_engine: AsyncEngine) -> SessionFactory:
    return create_session_factory(events_engine)


@pytest.fixture
async def outbox(events_engine: AsyncEngine) -> EventTables:
    return await create_outbox(events_engine)


async def processed_count(engine: AsyncEngine, tables: EventTables) -> int:
    processed = tables.processed
    async with engine.connect() as connection:
        statement = select(func.count()).select_from(processed).where(processed.c.consumer == CONSUMER_NAME)
        return int((await connection.execute(statement)).scalar_one())


async def test_an_event_the_router_did_not_confirm_is_not_marked_handled(
    router_api: InvalidationApi,
    notifier: RouterNotifier,
    clock: Clock,
    events_engine: AsyncEngine,
    sessions: SessionFactory,
    outbox: EventTables,
) -> None:
    once = OnceByEventId(the_consumer("products", notifier), sessions=sessions, tables=outbox)
    event = an_event("product.deleted")
    router_api.status = 503
    with pytest.raises(RouterInvalidationFailed):
        await once(event)
    assert await processed_count(events_engine, outbox) == 0
    router_api.status = 200
    clock.now += 10
    assert await once(event) is True
    assert await processed_count(events_engine, outbox) == 1
    assert len(router_api.bodies) == 2
