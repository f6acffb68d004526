"""The `tracing` section of every process's settings (`GOCART_ROUTER_TRACING__OTLP_ENDPOINT`, ...)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class TracingSettings(BaseModel):
    """Tracing is on when spans have somewhere to go: an OTLP/HTTP endpoint, a JSON-lines file, or both.
    Off (the default), no SDK is loaded and no span is recorded."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    otlp_endpoint: str | None = Field(
        default=None,
        description="OTLP/HTTP traces URL, e.g. http://otel-collector:4318/v1/traces.",
    )
    spans_file: Path | None = Field(
        default=None, description="Append finished spans to this file as JSON lines (`gocart trace ID`)."
    )
    sample_ratio: float = Field(
        default=1.0,
        ge=0.0,
        le=1.0,
        description="Share of new traces recorded; a request that comes with a parent keeps its decision.",
    )
    service_name: str | None = Field(
        default=None, description="The `service.name` of the spans; each process has its own default."
    )
    export_delay_seconds: float = Field(
        default=5.0, gt=0, description="How long finished spans wait to be exported in one batch."
    )

    @property
    def enabled(self) -> bool:
        return self.otlp_endpoint is not None or self.spans_file is not None
