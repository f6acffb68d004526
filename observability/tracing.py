"""One process's tracing, built from its `TracingSettings`: an SDK tracer provider exporting over
OTLP/HTTP and/or to a JSON-lines file when on, nothing at all when off.

The provider is passed explicitly to every instrumentation rather than installed globally, so several
apps built in one process (tests, benchmarks) each keep their own settings; the W3C propagator that
reads and writes `traceparent` is OpenTelemetry's global default. Off, `span()` hands back one shared
no-op context manager: a request pays an attribute check per span, no context switch, no SDK import.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING

from opentelemetry.trace import Span, Tracer
from opentelemetry.util.types import AttributeValue

from observability.tracing_settings import TracingSettings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

INSTRUMENTATION_NAME = "gocart"
_NO_SPAN: AbstractContextManager[Span | None] = nullcontext(None)


class Tracing:
    """The process's tracer provider (None when tracing is off) and the tracer of its own spans."""

    def __init__(self, provider: TracerProvider | None = None) -> None:
        self.provider = provider
        self.tracer: Tracer | None = provider.get_tracer(INSTRUMENTATION_NAME) if provider else None

    @property
    def enabled(self) -> bool:
        return self.provider is not None

    def span(
        self, name: str, attributes: Mapping[str, AttributeValue] | None = None
    ) -> AbstractContextManager[Span | None]:
        """A span around a block, current inside it (its children nest under it); None when off."""
        if self.tracer is None:
            return _NO_SPAN
        return self.tracer.start_as_current_span(name, attributes=attributes)

    def shutdown(self) -> None:
        """Export what is still buffered; called when the app stops."""
        if self.provider is not None:
            self.provider.shutdown()


TRACING_OFF = Tracing()


def start_tracing(settings: TracingSettings, default_service_name: str) -> Tracing:
    """The tracing the settings ask for; `TRACING_OFF` (no SDK loaded) unless spans have somewhere to go."""
    if not settings.enabled:
        return TRACING_OFF
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

    from observability.sampling import request_sampler

    provider = TracerProvider(
        resource=Resource({SERVICE_NAME: settings.service_name or default_service_name}),
        sampler=request_sampler(settings.sample_ratio),
    )
    exporters: list[SpanExporter] = []
    if settings.otlp_endpoint is not None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporters.append(OTLPSpanExporter(endpoint=settings.otlp_endpoint))
    if settings.spans_file is not None:
        from observability.spans_file import JsonLinesSpanExporter

        exporters.append(JsonLinesSpanExporter(settings.spans_file))
    delay_millis = int(settings.export_delay_seconds * 1000)
    for exporter in exporters:
        provider.add_span_processor(BatchSpanProcessor(exporter, schedule_delay_millis=delay_millis))
    return Tracing(provider)
