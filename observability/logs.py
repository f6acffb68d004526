"""One log setup for every process: structlog and the standard library's loggers (uvicorn's too)
through one handler on stdout, rendered as JSON lines (containers, log pipelines) or as console lines
for people (`gocart dev`), secrets redacted last.

The console renderer colours its lines only on a terminal, so a log file or pipe gets plain text.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

import structlog
from structlog.typing import Processor

from observability.redaction import redact_secrets
from observability.trace_ids import add_trace_ids


def wants_colour(stream: TextIO) -> bool:
    """Colour codes for a terminal only, unless NO_COLOR (https://no-color.org) is set."""
    return stream.isatty() and not os.environ.get("NO_COLOR")


def context_processors(extra: Sequence[Processor] = ()) -> list[Processor]:
    """What every line gets, whoever wrote it: the request's bound context (request id, operation,
    subject), level, logger name, time and the current span's trace and span ids, then `extra`."""
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        add_trace_ids,
        *extra,
    ]


def configure_logging(
    *,
    level: str = "INFO",
    json: bool = True,
    extra_processors: Sequence[Processor] = (),
    stream: TextIO | None = None,
) -> None:
    """Route structlog and the standard library through one renderer; `extra_processors` run on every
    line after the shared context is added and before secrets are redacted and the line rendered."""
    out = stream if stream is not None else sys.stdout
    shared = context_processors(extra_processors)
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(colors=wants_colour(out))
    )
    structlog.configure(
        # Filter first, so a disabled level (the access log under WARNING) costs no processing.
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(out)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                # Last before rendering: tracebacks and every merged field are covered.
                redact_secrets,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)  # each app logs its own access line
