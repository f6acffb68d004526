"""Lookups of one turn of the event loop go to the real Redis as one MGET, each caller its own slice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest
from opentelemetry import context as otel_context
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import NonRecordingSpan, SpanContext, StatusCode, TraceFlags, set_span_in_context
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

from router.entity_cache.mget_batch import LookupNotSent, MgetBatch


class CountedRedis:
    """The real client, with each MGET's keys noted."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self.mgets: list[list[str]] = []

    async def mget(self, keys: Sequence[str]) -> Any:
        self.mgets.append(list(keys))
        return await self.redis.mget(keys)


class HeldRedis:
    """Holds every MGET until the test cancels it (the loop closing on a lookup in flight)."""

    def __init__(self) -> None:
        self.asked = asyncio.Event()

    async def mget(self, keys: Sequence[str]) -> Any:
        self.asked.set()
        await asyncio.Event().wait()


@pytest.fixture
async def stored(redis: Redis, cache_namespace: str) -> AsyncIterator[dict[str, bytes]]:
    """Three keys with values in the real Redis."""
    values = {f"{cache_namespace}:batch:{name}": name.encode() for name in ("a", "b", "c")}
    await redis.mset(values)
    yield values
    await redis.delete(*values)


@pytest.fixture
async def unreachable_redis(closed_redis_url: str) -> AsyncIterator[Redis]:
    """A client of a port that is bound but not listening: every connection is refused, at once."""
    client = Redis.from_url(closed_redis_url, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0))
    yield client
    await client.aclose()


@pytest.fixture
def counted(redis: Redis) -> CountedRedis:
    return CountedRedis(redis)


@pytest.fixture
def batch(counted: CountedRedis) -> MgetBatch:
    return MgetBatch(counted)  # type: ignore[arg-type]


async def test_lookups_started_together_go_as_one_mget(
    batch: MgetBatch, counted: CountedRedis, stored: dict[str, bytes]
) -> None:
    a, b, c = stored
    await asyncio.gather(batch.mget([a, b]), batch.mget([c]))
    assert counted.mgets == [[a, b, c]]


async def test_each_caller_gets_its_own_values_in_order(
    batch: MgetBatch, stored: dict[str, bytes], cache_namespace: str
) -> None:
    a, b, c = stored
    missing = f"{cache_namespace}:batch:missing"
    first, second = await asyncio.gather(batch.mget([b, missing, a]), batch.mget([c, a]))
    assert first == [b"b", None, b"a"]
    assert second == [b"c", b"a"]


async def test_lookups_of_later_turns_go_separately(
    batch: MgetBatch, counted: CountedRedis, stored: dict[str, bytes]
) -> None:
    a, b, _ = stored
    assert await batch.mget([a]) == [b"a"]
    assert await batch.mget([b]) == [b"b"]
    assert counted.mgets == [[a], [b]]


async def test_a_cancelled_lookup_leaves_the_batch_before_it_is_sent(
    batch: MgetBatch, counted: CountedRedis, stored: dict[str, bytes]
) -> None:
    a, b, _ = stored
    cancelled = asyncio.ensure_future(batch.mget([a]))
    kept = asyncio.ensure_future(batch.mget([b]))
    await asyncio.sleep(0)  # both are waiting; the batch goes in the next turn
    cancelled.cancel()
    assert await kept == [b"b"]
    assert cancelled.cancelled()
    assert counted.mgets == [[b]]


async def test_a_failure_reaches_every_caller_of_the_batch(unreachable_redis: Redis) -> None:
    batch = MgetBatch(unreachable_redis)
    outcomes = await asyncio.gather(batch.mget(["x"]), batch.mget(["y"]), return_exceptions=True)
    assert len(outcomes) == 2
    assert all(isinstance(outcome, RedisConnectionError) for outcome in outcomes)


@pytest.fixture
def spans() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def provider(spans: InMemorySpanExporter) -> TracerProvider:
    """A provider that samples as the router's does for a request: by its parent's decision."""
    traced = TracerProvider()
    traced.add_span_processor(SimpleSpanProcessor(spans))
    return traced


@pytest.fixture
def traced_batch(counted: CountedRedis, provider: TracerProvider) -> MgetBatch:
    return MgetBatch(counted, provider.get_tracer("test"))  # type: ignore[arg-type]


UNSAMPLED = SpanContext(trace_id=0x1234, span_id=0x5678, is_remote=True, trace_flags=TraceFlags(0))
"""A caller's upstream that chose not to sample its trace."""


async def _unsampled_lookup(batch: MgetBatch, keys: Sequence[str]) -> Any:
    """A lookup made in a trace whose caller chose not to sample it."""
    token = otel_context.attach(set_span_in_context(NonRecordingSpan(UNSAMPLED)))
    try:
        return await batch.mget(keys)
    finally:
        otel_context.detach(token)


def _sender(batch: MgetBatch) -> asyncio.Task[None]:
    (sender,) = batch._senders
    return sender


async def test_a_sender_cancelled_before_it_runs_answers_its_callers_and_later_lookups_go_on(
    batch: MgetBatch, counted: CountedRedis, stored: dict[str, bytes]
) -> None:
    a, b, _ = stored
    waiting = asyncio.ensure_future(batch.mget([a]))
    await asyncio.sleep(0)  # the lookup is waiting and its sender is scheduled, not yet run
    _sender(batch).cancel()

    with pytest.raises(LookupNotSent):
        await asyncio.wait_for(waiting, timeout=5)
    assert await asyncio.wait_for(batch.mget([b]), timeout=5) == [b"b"]
    assert counted.mgets == [[b]]


async def test_a_sender_cancelled_while_redis_answers_gives_its_callers_a_miss_not_a_cancellation() -> None:
    held = HeldRedis()
    batch = MgetBatch(held)  # type: ignore[arg-type]
    callers = [asyncio.ensure_future(batch.mget([key])) for key in ("x", "y")]
    await held.asked.wait()
    _sender(batch).cancel()

    outcomes = await asyncio.gather(*callers, return_exceptions=True)
    assert [type(outcome) for outcome in outcomes] == [LookupNotSent, LookupNotSent]
    assert not any(caller.cancelled() for caller in callers)


def _named(spans: InMemorySpanExporter, name: str) -> list[ReadableSpan]:
    return [span for span in spans.get_finished_spans() if span.name == name]


async def test_each_caller_has_its_lookup_span_in_its_own_trace_and_the_batch_links_to_them_all(
    traced_batch: MgetBatch, spans: InMemorySpanExporter, stored: dict[str, bytes]
) -> None:
    a, b, c = stored
    await asyncio.gather(traced_batch.mget([a, b]), traced_batch.mget([c]))

    lookups = _named(spans, "entity_cache.lookup")
    (batch_span,) = _named(spans, "entity_cache.lookup_batch")
    assert len({lookup.context.trace_id for lookup in lookups}) == 2  # each caller its own trace
    assert {link.context.span_id for link in batch_span.links} == {
        lookup.context.span_id for lookup in lookups
    }
    assert batch_span.attributes == {"callers": 2, "keys": 3}


async def test_the_batch_span_is_in_the_trace_of_a_sampled_caller_when_its_opener_is_not_sampled(
    traced_batch: MgetBatch, spans: InMemorySpanExporter, stored: dict[str, bytes]
) -> None:
    a, b, _ = stored
    await asyncio.gather(_unsampled_lookup(traced_batch, [a]), traced_batch.mget([b]))

    (sampled_lookup,) = _named(spans, "entity_cache.lookup")  # the unsampled one is not recorded
    (batch_span,) = _named(spans, "entity_cache.lookup_batch")
    assert batch_span.parent is not None
    assert batch_span.parent.span_id == sampled_lookup.context.span_id
    assert batch_span.context.trace_id == sampled_lookup.context.trace_id


async def test_no_batch_span_when_no_caller_is_sampled(
    traced_batch: MgetBatch, spans: InMemorySpanExporter, stored: dict[str, bytes]
) -> None:
    a, b, _ = stored
    found = await asyncio.gather(_unsampled_lookup(traced_batch, [a]), _unsampled_lookup(traced_batch, [b]))
    assert list(found) == [[b"a"], [b"b"]]
    assert spans.get_finished_spans() == ()


async def test_a_lookup_not_sent_is_no_error_on_its_span(
    provider: TracerProvider, spans: InMemorySpanExporter
) -> None:
    held = HeldRedis()
    batch = MgetBatch(held, provider.get_tracer("test"))  # type: ignore[arg-type]
    caller = asyncio.ensure_future(batch.mget(["x"]))
    await held.asked.wait()
    _sender(batch).cancel()

    with pytest.raises(LookupNotSent):
        await caller
    (lookup,) = _named(spans, "entity_cache.lookup")
    assert lookup.status.status_code is StatusCode.UNSET
    assert lookup.attributes == {"keys": 1, "not_sent": True}
