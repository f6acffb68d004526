"""Tracing wired into the libraries each process uses, with the OpenTelemetry instrumentation made for
them, each given the process's own tracer provider: the ASGI server (a server span per request, the
caller's `traceparent` read), aiohttp clients (a client span per call, `traceparent` sent), SQLAlchemy
engines (a span per statement) and Redis clients (a span per command). Off, each does nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from opentelemetry.trace import get_current_span
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from observability.tracing import Tracing

if TYPE_CHECKING:
    import aiohttp
    from redis.asyncio import Redis
    from sqlalchemy.ext.asyncio import AsyncEngine
    from starlette.applications import Starlette

TRACE_ID_HEADER = "x-trace-id"
# Polled by supervisors and scrapers: never traced.
UNTRACED_PATHS = "/health$,/ready$,/metrics$,/graphiql-assets/"


class TraceIdHeader:
    """Answers with the request's trace id in `x-trace-id` when the trace is recorded, so a client (or
    `gocart dev`'s user) can look the trace up."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        context = get_current_span().get_span_context()

        async def send_with_trace_id(message: Message) -> None:
            if message["type"] == "http.response.start" and context.trace_flags.sampled:
                trace_id = format(context.trace_id, "032x").encode()
                message.setdefault("headers", []).append((TRACE_ID_HEADER.encode(), trace_id))
            await send(message)

        await self.app(scope, receive, send_with_trace_id)


def trace_requests(app: Starlette, tracing: Tracing) -> None:
    """Make the app's outermost middleware the OpenTelemetry ASGI one (added last, so call this after
    every other `add_middleware`)."""
    if tracing.provider is None:
        return
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    app.add_middleware(TraceIdHeader)
    app.add_middleware(
        OpenTelemetryMiddleware,
        tracer_provider=tracing.provider,
        excluded_urls=UNTRACED_PATHS,
        exclude_spans=["receive", "send"],
    )


def client_trace_configs(tracing: Tracing) -> list[aiohttp.TraceConfig]:
    """The `trace_configs` of an aiohttp session whose calls are traced and carry `traceparent`."""
    if tracing.provider is None:
        return []
    from opentelemetry.instrumentation.aiohttp_client import create_trace_config

    return [create_trace_config(tracer_provider=tracing.provider)]


def trace_engine(engine: AsyncEngine, tracing: Tracing) -> None:
    """A span per SQL statement of `engine`.

    `EngineTracer` is what `SQLAlchemyInstrumentor().instrument(engine=...)` attaches; used directly so
    that only this engine is traced, with this provider (the instrumentor would also patch
    `create_engine` for the whole process, once).
    """
    if tracing.provider is None:
        return
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from opentelemetry.metrics import NoOpMeterProvider

    tracer = tracing.provider.get_tracer("opentelemetry.instrumentation.sqlalchemy")
    connections: Any = NoOpMeterProvider().get_meter("gocart").create_up_down_counter("unused")
    EngineTracer(tracer, engine.sync_engine, connections)  # type: ignore[no-untyped-call]


def trace_redis(client: Redis, tracing: Tracing) -> None:
    """A span per Redis command (and pipeline) of this client."""
    if tracing.provider is None:
        return
    from opentelemetry.instrumentation.redis import RedisInstrumentor

    RedisInstrumentor.instrument_client(client, tracer_provider=tracing.provider)
