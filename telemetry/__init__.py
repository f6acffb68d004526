"""OpenTelemetry tracing shared by every Gocart process (router, REST layer, subgraphs).

A neutral package: it imports none of `router`, `rest_compat`, `subgraphs` or `gocart` (import-linter
keeps it so), so each process sets its tracing up with the same code instead of a copy per process.
The SDK and the instrumentation libraries are imported only when tracing is on.
"""
