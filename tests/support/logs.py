"""structlog in the test process: its lines go through the standard library's logging, as every other
library's do, so pytest captures them with the test's other records and shows them only when it fails
(`--log-level=INFO` shows the info lines too), instead of printing them into its own output.

structlog unconfigured prints to the `sys.stdout` it found at import, so lines logged by apps and
servers running in the test process (threads included) land between pytest's own lines. A test that
asserts on log lines uses `structlog.testing.capture_logs`, which this leaves working.
"""

from __future__ import annotations

import structlog


def route_structlog_through_logging() -> None:
    """Render each event as a console line (no colours) and hand it to the stdlib logger of its name."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            structlog.contextvars.merge_contextvars,
            structlog.processors.format_exc_info,
            structlog.dev.ConsoleRenderer(colors=False),
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
