"""Tracing on and off: off loads no SDK and records nothing; on, spans reach the configured file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from opentelemetry.trace import SpanKind

from observability.trace_ids import add_trace_ids
from observability.tracing import TRACING_OFF, start_tracing
from observability.tracing_settings import TracingSettings

ROOT = Path(__file__).resolve().parents[2]


def test_tracing_is_off_when_spans_have_nowhere_to_go() -> None:
    tracing = start_tracing(TracingSettings(sample_ratio=1.0), "gocart-test")

    assert tracing is TRACING_OFF
    assert tracing.provider is None


def test_a_span_is_nothing_when_tracing_is_off() -> None:
    with TRACING_OFF.span("graphql.prepare", {"gocart.plan_cache.hit": True}) as span:
        assert span is None


# redis-py loads parts of the SDK (its metrics) for itself; tracing's parts are ours.
TRACING_MODULES = ("opentelemetry.sdk.trace", "opentelemetry.exporter", "opentelemetry.instrumentation")


@pytest.mark.slow  # starts a fresh interpreter
def test_tracing_off_loads_no_tracing_sdk_even_when_the_router_app_is_built() -> None:
    probe = (
        "import sys\n"
        "from router.config import RouterSettings\n"
        "from router.server.app import create_app\n"
        "create_app(RouterSettings())\n"
        f"print(sorted(name for name in sys.modules if name.startswith({TRACING_MODULES!r})))\n"
    )
    completed = subprocess.run(  # noqa: S603  (our own interpreter, a fixed script)
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )

    assert completed.stdout.strip() == "[]"


def test_spans_are_appended_to_the_spans_file_as_json_lines(tmp_path: Path) -> None:
    spans_file = tmp_path / "traces" / "router.jsonl"
    tracing = start_tracing(
        TracingSettings(spans_file=spans_file, export_delay_seconds=0.05), "gocart-router"
    )
    assert tracing.tracer is not None
    request = tracing.tracer.start_as_current_span("POST /graphql", kind=SpanKind.SERVER)
    with request, tracing.span("graphql.prepare", {"gocart.plan_cache.hit": False}):
        pass
    tracing.shutdown()

    records = [json.loads(line) for line in spans_file.read_text().splitlines()]
    prepare, request = records
    assert (prepare["name"], request["name"]) == ("graphql.prepare", "POST /graphql")
    assert prepare["parent_span_id"] == request["span_id"]
    assert prepare["trace_id"] == request["trace_id"]
    assert request["parent_span_id"] is None
    assert prepare["service"] == "gocart-router"
    assert prepare["attributes"] == {"gocart.plan_cache.hit": False}
    assert request["end_ns"] >= prepare["end_ns"] >= prepare["start_ns"] >= request["start_ns"]


def test_log_lines_inside_a_recorded_span_carry_its_ids(tmp_path: Path) -> None:
    tracing = start_tracing(TracingSettings(spans_file=tmp_path / "spans.jsonl"), "gocart-test")
    assert tracing.tracer is not None
    with tracing.tracer.start_as_current_span("POST /graphql", kind=SpanKind.SERVER) as span:
        event = add_trace_ids(None, "info", {"event": "request"})
    tracing.shutdown()

    context = span.get_span_context()
    assert event == {
        "event": "request",
        "trace_id": format(context.trace_id, "032x"),
        "span_id": format(context.span_id, "016x"),
    }


def test_log_lines_outside_any_span_carry_no_trace_ids() -> None:
    assert add_trace_ids(None, "info", {"event": "started"}) == {"event": "started"}
