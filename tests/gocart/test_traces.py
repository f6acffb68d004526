"""`gocart dev --trace` gives each service a spans file of its own in the data folder, and
`gocart trace ID` renders one trace from those files as an indented tree."""

from __future__ import annotations

from pathlib import Path

import pytest
from opentelemetry.trace import SpanKind, format_trace_id
from pydantic import SecretStr

from gocart.cli import main
from gocart.settings import StackSettings
from gocart.stack import Stack
from gocart.traces import read_trace, render_tree
from observability.tracing import start_tracing
from observability.tracing_settings import TracingSettings

SERVICES = ("router", "rest", "users", "products", "orders")


def _stack(data_dir: Path, **settings: object) -> Stack:
    return Stack(
        StackSettings(
            database_url=SecretStr("postgresql+asyncpg://nobody@127.0.0.1:1/none"),
            redis_url=SecretStr("redis://127.0.0.1:1/0"),
            data_dir=data_dir,
            **settings,  # type: ignore[arg-type]
        )
    )


def _service_tracing(stack: Stack) -> dict[str, TracingSettings]:
    ports = stack.default_ports()
    return {
        "router": stack.router_settings(ports, {}).tracing,
        "rest": stack.rest_settings(ports).tracing,
        "users": stack.users_settings(ports).tracing,
        "products": stack.products_settings(ports).tracing,
        "orders": stack.orders_settings(ports).tracing,
    }


def test_with_trace_to_files_each_service_writes_its_own_spans_file(tmp_path: Path) -> None:
    tracing = _service_tracing(_stack(tmp_path, trace_to_files=True))

    assert {name: settings.spans_file for name, settings in tracing.items()} == {
        name: (tmp_path / "traces" / f"{name}.jsonl").resolve() for name in SERVICES
    }


def test_a_configured_collector_wins_over_the_spans_files(tmp_path: Path) -> None:
    endpoint = "http://127.0.0.1:4318/v1/traces"
    stack = _stack(tmp_path, trace_to_files=True, tracing=TracingSettings(otlp_endpoint=endpoint))

    assert {(s.otlp_endpoint, s.spans_file) for s in _service_tracing(stack).values()} == {(endpoint, None)}


def test_the_dev_stack_traces_nothing_unless_asked(tmp_path: Path) -> None:
    assert not any(settings.enabled for settings in _service_tracing(_stack(tmp_path)).values())


def _write_trace(folder: Path) -> str:
    """A request through the router into products, each service writing its own file as in `gocart dev`."""
    router = start_tracing(TracingSettings(spans_file=folder / "router.jsonl"), "gocart-router")
    products = start_tracing(TracingSettings(spans_file=folder / "products.jsonl"), "gocart-products")
    assert router.tracer is not None
    assert products.tracer is not None
    with router.tracer.start_as_current_span("POST /graphql", kind=SpanKind.SERVER) as request:
        with router.span("graphql.prepare"):
            pass
        subgraph = products.tracer.start_as_current_span("POST", kind=SpanKind.SERVER)
        with router.span("plan.fetch"), subgraph, products.span("graphql.execute"):
            pass
    router.shutdown()
    products.shutdown()
    return format_trace_id(request.get_span_context().trace_id)


def test_a_trace_renders_as_a_tree_across_the_services_files(tmp_path: Path) -> None:
    trace_id = _write_trace(tmp_path)

    lines = render_tree(read_trace(tmp_path, trace_id))

    assert [line.split()[:2] for line in lines] == [
        ["gocart-router", "POST"],
        ["gocart-router", "graphql.prepare"],
        ["gocart-router", "plan.fetch"],
        ["gocart-products", "POST"],
        ["gocart-products", "graphql.execute"],
    ]
    assert [len(line) - len(line.lstrip()) for line in lines] == [0, 2, 2, 4, 6]
    assert all(line.endswith(" ms") for line in lines)


def test_gocart_trace_prints_the_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    trace_id = _write_trace(tmp_path / "traces")
    monkeypatch.setenv("GOCART_DATA_DIR", str(tmp_path))

    code = main(["trace", trace_id])

    assert code == 0
    assert "graphql.execute" in capsys.readouterr().out


def test_gocart_trace_of_an_unknown_trace_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GOCART_DATA_DIR", str(tmp_path))

    code = main(["trace", "0" * 31 + "1"])

    assert code == 1
    assert "No spans of trace" in capsys.readouterr().err
