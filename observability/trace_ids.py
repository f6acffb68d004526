"""The structlog processor that puts the current span's ids on every log line of a traced request,
so a log line leads to its trace and back."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from opentelemetry.trace import get_current_span


def add_trace_ids(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """`trace_id` and `span_id` (hex, as trace viewers show them) while a span is current."""
    context = get_current_span().get_span_context()
    if context.is_valid:
        event["trace_id"] = format(context.trace_id, "032x")
        event["span_id"] = format(context.span_id, "016x")
    return event
