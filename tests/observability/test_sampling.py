"""Which spans are recorded: parent-based ratio sampling, and only requests start traces."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import NonRecordingSpan, SpanContext, SpanKind, TraceFlags, set_span_in_context

from observability.sampling import request_sampler

TRACE_ID = 0x0AF7651916CD43DD8448EB211C80319C
SPAN_ID = 0x00F067AA0BA902B7


@pytest.fixture
def exported() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    yield exporter
    exporter.clear()


def _tracer(ratio: float, exporter: InMemorySpanExporter) -> TracerProvider:
    provider = TracerProvider(sampler=request_sampler(ratio))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


def _remote_parent(*, sampled: bool) -> object:
    flags = TraceFlags(TraceFlags.SAMPLED if sampled else TraceFlags.DEFAULT)
    parent = SpanContext(TRACE_ID, SPAN_ID, is_remote=True, trace_flags=flags)
    return set_span_in_context(NonRecordingSpan(parent))


def test_every_new_request_is_recorded_at_ratio_one(exported: InMemorySpanExporter) -> None:
    tracer = _tracer(1.0, exported).get_tracer("test")
    for _ in range(20):
        tracer.start_span("POST /graphql", kind=SpanKind.SERVER).end()

    assert len(exported.get_finished_spans()) == 20


def test_no_new_request_is_recorded_at_ratio_zero(exported: InMemorySpanExporter) -> None:
    tracer = _tracer(0.0, exported).get_tracer("test")
    for _ in range(20):
        tracer.start_span("POST /graphql", kind=SpanKind.SERVER).end()

    assert exported.get_finished_spans() == ()


def test_about_the_ratio_of_new_requests_is_recorded(exported: InMemorySpanExporter) -> None:
    tracer = _tracer(0.1, exported).get_tracer("test")
    for _ in range(2000):
        tracer.start_span("POST /graphql", kind=SpanKind.SERVER).end()

    assert 100 < len(exported.get_finished_spans()) < 300  # 200 expected; random trace ids


def test_a_request_whose_caller_recorded_it_is_recorded_whatever_the_ratio(
    exported: InMemorySpanExporter,
) -> None:
    tracer = _tracer(0.0, exported).get_tracer("test")
    tracer.start_span("POST /graphql", context=_remote_parent(sampled=True), kind=SpanKind.SERVER).end()  # type: ignore[arg-type]

    (span,) = exported.get_finished_spans()
    assert span.context is not None
    assert span.context.trace_id == TRACE_ID
    assert span.parent is not None
    assert span.parent.span_id == SPAN_ID


def test_a_request_whose_caller_did_not_record_it_is_not_recorded(exported: InMemorySpanExporter) -> None:
    tracer = _tracer(1.0, exported).get_tracer("test")
    tracer.start_span("POST /graphql", context=_remote_parent(sampled=False), kind=SpanKind.SERVER).end()  # type: ignore[arg-type]

    assert exported.get_finished_spans() == ()


def test_a_client_call_outside_any_request_starts_no_trace(exported: InMemorySpanExporter) -> None:
    tracer = _tracer(1.0, exported).get_tracer("test")
    tracer.start_span("EVALSHA", kind=SpanKind.CLIENT).end()
    tracer.start_span("settle stock tasks").end()

    assert exported.get_finished_spans() == ()


def test_spans_inside_a_recorded_request_are_recorded(exported: InMemorySpanExporter) -> None:
    tracer = _tracer(1.0, exported).get_tracer("test")
    with tracer.start_as_current_span("POST /graphql", kind=SpanKind.SERVER):
        tracer.start_span("SELECT", kind=SpanKind.CLIENT).end()

    assert [span.name for span in exported.get_finished_spans()] == ["SELECT", "POST /graphql"]
