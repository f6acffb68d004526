"""How an event handler's failure is logged: a dependency that is down in one line, a bug with its
traceback.

A consumer is retried while what it calls is unavailable (the router for a cache invalidation, the
database): each attempt is logged, and with a traceback each such attempt was sixty lines saying the
same connection was refused. An outage (`UnavailableError`, or what `is_database_outage` recognises)
is logged with its message; anything else is a bug in the handler and keeps its traceback.
"""

from __future__ import annotations

from typing import Any

from subgraphs.common.db_outage import is_database_outage
from subgraphs.common.errors import UnavailableError


def is_outage(error: BaseException) -> bool:
    """Whether the handler failed because something it calls is down, not because of its own code."""
    return isinstance(error, UnavailableError) or is_database_outage(error)


def failure_log_fields(error: BaseException) -> dict[str, Any]:
    """The fields a handler's failure is logged with: its message for an outage, else its traceback."""
    if is_outage(error):
        return {"error": f"{type(error).__name__}: {error}"}
    return {"exc_info": error}
