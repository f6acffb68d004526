"""Traffic shaping over real HTTP: per-subgraph timeouts, the circuit breaker, retries of queries only,
batched `_entities` calls, and failure messages that reveal nothing about the network."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from router.config import BreakerSettings, RetrySettings, TrafficSettings, TrafficShaping
from router.executor.traffic import TrafficFetcher
from router.gateway import Gateway, GraphQLRequest
from router.metrics import RouterMetrics
from router.supergraph import parse_supergraph
from tests.router.executor.traffic_subgraphs import Script, catalog_app, details_app, traffic_supergraph
from tests.router.servers import free_port, serving

NO_RETRY = RetrySettings(attempts=0)
QUERY = "{ items(count: 3) { name detail } }"
NAMES_ONLY = [{"name": f"item {i}", "detail": None} for i in range(3)]
COMPLETE = [{"name": f"item {i}", "detail": f"detail of item-{i}"} for i in range(3)]


class SteppedClock:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


_SCRIPT = Script()


@pytest.fixture(scope="module")
def urls() -> Iterator[dict[str, str]]:
    with serving({"catalog": catalog_app(), "details": details_app(_SCRIPT)}) as served:
        yield served
        _SCRIPT.released.set()


@pytest.fixture
def script() -> Iterator[Script]:
    _SCRIPT.reset()
    yield _SCRIPT
    _SCRIPT.released.set()  # a hung handler ends, so the server can stop


@pytest.fixture
def metrics() -> RouterMetrics:
    return RouterMetrics()


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock()


def shaping(**details: Any) -> TrafficShaping:
    """Defaults for every subgraph, `details` overriding some for the details subgraph."""
    return TrafficShaping(subgraphs={"details": TrafficSettings(**{"retry": NO_RETRY, **details})})


@asynccontextmanager
async def gateway_for(
    urls: dict[str, str], traffic: TrafficShaping, metrics: RouterMetrics, clock: SteppedClock
) -> AsyncIterator[Gateway]:
    async with TrafficFetcher(traffic, metrics, urls, clock=clock) as fetcher:
        yield Gateway(parse_supergraph(traffic_supergraph(urls)), fetcher, urls)


def sample(metrics: RouterMetrics, name: str, **labels: str) -> float:
    return metrics.registry.get_sample_value(name, labels) or 0.0


def errors_counted(metrics: RouterMetrics, reason: str) -> float:
    return sample(metrics, "gocart_router_subgraph_fetch_errors_total", subgraph="details", reason=reason)


def breaker_gauge(metrics: RouterMetrics) -> float:
    return sample(metrics, "gocart_router_subgraph_breaker_state", subgraph="details")


def failure(description: str) -> dict[str, Any]:
    return {
        "message": f"HTTP fetch failed from 'details': {description}",
        "extensions": {"code": "SUBREQUEST_HTTP_ERROR", "serviceName": "details"},
    }


async def run(gateway: Gateway, query: str = QUERY) -> dict[str, Any]:
    return await gateway.execute(GraphQLRequest(query), {})


async def test_hung_subgraph_times_out_by_its_own_timeout(
    urls: dict[str, str], script: Script, metrics: RouterMetrics, clock: SteppedClock
) -> None:
    script.mode = "hang"
    traffic = shaping(timeout_seconds=0.2)  # every other subgraph keeps the 30 s default
    async with gateway_for(urls, traffic, metrics, clock) as gateway, asyncio.timeout(10):
        result = await run(gateway)
    assert result == {"data": {"items": NAMES_ONLY}, "errors": [failure("the subgraph timed out")]}
    assert errors_counted(metrics, "timeout") == 1


async def test_open_breaker_fails_fast_without_calling_the_hung_subgraph(
    urls: dict[str, str], script: Script, metrics: RouterMetrics, clock: SteppedClock
) -> None:
    script.mode = "hang"
    traffic = shaping(timeout_seconds=0.1, breaker=BreakerSettings(failure_threshold=2))
    async with gateway_for(urls, traffic, metrics, clock) as gateway:
        for _ in range(2):
            await run(gateway)
        assert breaker_gauge(metrics) == 2
        results = [await run(gateway) for _ in range(3)]
    assert results == [{"data": {"items": NAMES_ONLY}, "errors": [failure("circuit breaker open")]}] * 3
    assert script.requests == 2
    assert errors_counted(metrics, "breaker_open") == 3


async def test_half_open_probe_closes_the_breaker_once_the_subgraph_recovers(
    urls: dict[str, str], script: Script, metrics: RouterMetrics, clock: SteppedClock
) -> None:
    script.failures_left = 1
    traffic = shaping(breaker=BreakerSettings(failure_threshold=1, reset_seconds=10))
    async with gateway_for(urls, traffic, metrics, clock) as gateway:
        await run(gateway)
        clock.advance(9)
        assert (await run(gateway))["errors"] == [failure("circuit breaker open")]
        clock.advance(1)
        recovered = await run(gateway)
        after = await run(gateway)
    assert recovered == after == {"data": {"items": COMPLETE}}
    assert script.requests == 3
    assert breaker_gauge(metrics) == 0


async def test_failed_probe_opens_the_breaker_again(
    urls: dict[str, str], script: Script, metrics: RouterMetrics, clock: SteppedClock
) -> None:
    script.failures_left = 2
    traffic = shaping(breaker=BreakerSettings(failure_threshold=1, reset_seconds=10))
    async with gateway_for(urls, traffic, metrics, clock) as gateway:
        await run(gateway)
        clock.advance(10)
        probe = await run(gateway)
        after_probe = await run(gateway)
    assert probe["errors"] == [failure("the subgraph answered HTTP 503")]
    assert after_probe["errors"] == [failure("circuit breaker open")]
    assert script.requests == 2
    assert breaker_gauge(metrics) == 2


async def test_query_succeeds_when_retried_after_one_transient_failure(
    urls: dict[str, str], script: Script, metrics: RouterMetrics, clock: SteppedClock
) -> None:
    script.failures_left = 1
    traffic = shaping(retry=RetrySettings(attempts=2, backoff_seconds=0))
    async with gateway_for(urls, traffic, metrics, clock) as gateway:
        result = await run(gateway)
    assert result == {"data": {"items": COMPLETE}}
    assert script.requests == 2
    assert sample(metrics, "gocart_router_subgraph_fetch_retries_total", subgraph="details") == 1
    assert errors_counted(metrics, "status") == 1


async def test_mutation_is_never_retried(
    urls: dict[str, str], script: Script, metrics: RouterMetrics, clock: SteppedClock
) -> None:
    script.failures_left = 1
    traffic = shaping(retry=RetrySettings(attempts=3, backoff_seconds=0))
    async with gateway_for(urls, traffic, metrics, clock) as gateway:
        result = await run(gateway, "mutation { touch }")
    assert result == {"data": {"touch": None}, "errors": [failure("the subgraph answered HTTP 503")]}
    assert script.requests == 1
    assert sample(metrics, "gocart_router_subgraph_fetch_retries_total", subgraph="details") == 0


async def test_retries_stop_once_the_breaker_opens(
    urls: dict[str, str], script: Script, metrics: RouterMetrics, clock: SteppedClock
) -> None:
    script.failures_left = 10
    traffic = shaping(
        retry=RetrySettings(attempts=5, backoff_seconds=0), breaker=BreakerSettings(failure_threshold=2)
    )
    async with gateway_for(urls, traffic, metrics, clock) as gateway:
        result = await run(gateway)
    assert result["errors"] == [failure("circuit breaker open")]
    assert script.requests == 2


async def test_retry_backoff_grows_exponentially_with_jitter_up_to_the_cap(
    urls: dict[str, str], script: Script, metrics: RouterMetrics, clock: SteppedClock
) -> None:
    script.failures_left = 10
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    traffic = shaping(
        retry=RetrySettings(attempts=4, backoff_seconds=0.1, max_backoff_seconds=0.25),
        breaker=BreakerSettings(enabled=False),
    )
    async with TrafficFetcher(traffic, metrics, urls, clock=clock, sleep=record) as fetcher:
        gateway = Gateway(parse_supergraph(traffic_supergraph(urls)), fetcher, urls)
        await run(gateway)
    assert script.requests == 5
    assert len(waits) == 4
    assert all(0 <= wait <= limit for wait, limit in zip(waits, (0.1, 0.2, 0.25, 0.25), strict=True))


async def test_large_batch_is_sent_in_calls_of_at_most_max_representations(
    urls: dict[str, str], script: Script, metrics: RouterMetrics, clock: SteppedClock
) -> None:
    script.broken_ids = frozenset({"item-7", "item-150", "item-249"})
    async with gateway_for(urls, shaping(max_representations=100), metrics, clock) as gateway:
        result = await run(gateway, "{ items(count: 250) { name detail } }")
    assert sorted(script.batch_sizes) == [50, 100, 100]
    broken = (7, 150, 249)
    assert result["data"]["items"] == [
        {"name": f"item {i}", "detail": None if i in broken else f"detail of item-{i}"} for i in range(250)
    ]
    assert [error["path"] for error in result["errors"]] == [["items", i] for i in broken]
    assert [error["message"] for error in result["errors"]] == [f"no detail for item-{i}" for i in broken]


async def test_refused_connection_message_names_no_host_or_port(
    urls: dict[str, str], metrics: RouterMetrics, clock: SteppedClock, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()
    refused = {**urls, "details": f"http://127.0.0.1:{port}/graphql"}
    caplog.set_level(logging.WARNING, logger="router.executor.fetcher")
    async with gateway_for(refused, shaping(), metrics, clock) as gateway:
        result = await run(gateway)
    [error] = result["errors"]
    assert error == failure("the subgraph could not be reached")
    assert str(port) not in error["message"]
    assert "127.0.0.1" not in error["message"]
    assert f"127.0.0.1:{port}" in caplog.text  # the detail stays in the server's log
    assert errors_counted(metrics, "connect") == 1
