"""Plumbing every Gocart process shares (the router, the REST layer, each subgraph): structured logs
with redaction, request ids, bounded metric labels, and OpenTelemetry tracing (`tracing.py`: the SDK
and the instrumentation libraries are imported only when tracing is on).

It knows no service (import-linter keeps it so), and needs only the base dependencies (structlog,
prometheus-client, Starlette's ASGI types), so the edge images carry it as well as the subgraph images.
"""
