"""Which spans are recorded: a parent-based ratio, and only requests start traces.

A request that arrives with a `traceparent` keeps its caller's decision, so one trace is recorded (or
not) as a whole across every process. A new trace is recorded with probability `ratio`, and only from a
server span: a Redis call of a background loop, outside any request, starts no trace of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from opentelemetry.context import Context
from opentelemetry.sdk.trace.sampling import (
    Decision,
    ParentBased,
    Sampler,
    SamplingResult,
    TraceIdRatioBased,
)
from opentelemetry.trace import Link, SpanKind, get_current_span
from opentelemetry.trace.span import TraceState
from opentelemetry.util.types import Attributes


class RequestRootSampler(Sampler):
    """Drops root spans that are not server spans; delegates everything else."""

    def __init__(self, delegate: Sampler) -> None:
        self._delegate = delegate

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: TraceState | None = None,
    ) -> SamplingResult:
        parent = get_current_span(parent_context).get_span_context()
        if not parent.is_valid and kind is not SpanKind.SERVER:
            return SamplingResult(Decision.DROP)
        return self._delegate.should_sample(
            parent_context, trace_id, name, kind, attributes, links, trace_state
        )

    def get_description(self) -> str:
        return f"RequestRootSampler{{{self._delegate.get_description()}}}"


def request_sampler(ratio: float) -> Sampler:
    """Parent-based, `ratio` of new traces, new traces from server spans only."""
    return RequestRootSampler(ParentBased(root=TraceIdRatioBased(ratio)))
