"""Stopping a subgraph's background tasks at shutdown without hanging on one that will not stop.

`task.cancel()` followed by `await task` waits forever for a task that swallows its cancellation (a
broad `except` somewhere below it, or Python 3.11's `asyncio.timeout` turning a cancel that meets its
deadline into `TimeoutError`) and loops on: the app's shutdown then never completes. `stop_tasks`
cancels again every `recancel_seconds` until each task has ended, and logs those that ignored a
cancellation. A task that had already failed is logged (`task.failed`) rather than raised, so the rest
of the shutdown (pools, clients) still runs.
"""

from __future__ import annotations

import asyncio
from typing import Any

import structlog

log = structlog.get_logger(__name__)

RECANCEL_SECONDS = 1.0


async def stop_tasks(*tasks: asyncio.Task[Any] | None, recancel_seconds: float = RECANCEL_SECONDS) -> None:
    """Cancel `tasks` (None entries are skipped) and return once all of them have ended."""
    started = [task for task in tasks if task is not None]
    pending = {task for task in started if not task.done()}
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=recancel_seconds)
        if pending:
            log.warning("task.cancel_ignored", tasks=sorted(task.get_name() for task in pending))
    for task in started:
        failure = None if task.cancelled() else task.exception()
        if failure is not None:
            log.error("task.failed", task=task.get_name(), exc_info=failure)
