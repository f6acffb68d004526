"""Telling "PostgreSQL is down" apart from a bug, so that clients hear UNAVAILABLE and not a masked 500.

A database that cannot be reached, is starting up or shutting down, drops the connection mid-query, or
has no connection free in time is an outage: the request may succeed when retried later, and the code
is not at fault. `is_database_outage` recognises those failures, whichever layer raised them:

- the socket itself (`OSError`: connection refused, no such unix socket, connect timed out), which
  SQLAlchemy's asyncpg dialect lets through unwrapped when a new connection cannot be opened;
- a DBAPI error SQLAlchemy has marked as a disconnect (`connection_invalidated`), or its own
  `DisconnectionError`, or the pool's `TimeoutError` (no connection free within the pool timeout);
- a PostgreSQL SQLSTATE that names the connection or the server's state, not the statement: class 08
  (connection exception), 57P01 to 57P03 (admin or crash shutdown, "the database system is starting
  up") and 53300 (too many connections), on the DBAPI error or the asyncpg error behind it.

Only that error and the driver errors it wraps (`orig`, `__cause__`) are looked at, never an unrelated
`__context__`: a Redis connection error raised while handling something else is not a database outage.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, DisconnectionError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from subgraphs.common.errors import UnavailableError

OUTAGE_STATES = frozenset({"57P01", "57P02", "57P03", "53300"})
CONNECTION_EXCEPTION_CLASS = "08"
DATABASE_UNAVAILABLE_MESSAGE = "The database is unavailable right now; try again shortly."
MAX_WRAPPED = 8  # how deep to follow `orig` / `__cause__`; driver errors wrap two or three levels


class DatabaseUnavailableError(UnavailableError):
    """PostgreSQL could not serve the request (down, starting, shutting down, or out of connections)."""

    def __init__(self, message: str = DATABASE_UNAVAILABLE_MESSAGE) -> None:
        super().__init__(message, reason="database")


def _sqlstate(error: BaseException) -> str | None:
    state = getattr(error, "sqlstate", None)
    return state if isinstance(state, str) else None


def _names_an_outage(error: BaseException) -> bool:
    if isinstance(error, PoolTimeoutError | DisconnectionError):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    state = _sqlstate(error)
    return state is not None and (state.startswith(CONNECTION_EXCEPTION_CLASS) or state in OUTAGE_STATES)


def _driver_chain(error: BaseException) -> list[BaseException]:
    """The error and the driver errors it wraps, outermost first."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain and len(chain) < MAX_WRAPPED:
        chain.append(current)
        wrapped = current.orig if isinstance(current, DBAPIError) else None
        current = wrapped if isinstance(wrapped, BaseException) else current.__cause__
    return chain


def is_database_outage(error: BaseException) -> bool:
    """Whether `error`, raised while using the database, means the database is unavailable."""
    if isinstance(error, DatabaseUnavailableError | OSError):
        return True
    if not isinstance(error, SQLAlchemyError) and _sqlstate(error) is None:
        return False
    return any(_names_an_outage(link) for link in _driver_chain(error))
