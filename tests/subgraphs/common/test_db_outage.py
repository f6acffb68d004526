"""Which database failures are outages (UNAVAILABLE) and which are bugs (masked): each error is built as
SQLAlchemy's asyncpg dialect raises it (the asyncpg error, its DBAPI adapter, SQLAlchemy's wrapper).

The real thing (a stopped PostgreSQL, a statement cut off by a shutdown) is in
tests/faults/test_postgres_down.py; these cover the states a test cannot cause on cue ("the database
system is starting up", too many connections, a pool that is exhausted).
"""

from __future__ import annotations

import asyncpg
import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_dbapi
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from subgraphs.common.db_outage import DatabaseUnavailableError, is_database_outage


def as_sqlalchemy_raises(driver_error: Exception, *, invalidated: bool = False) -> Exception:
    """`driver_error` wrapped twice, with its cause chain, as it reaches a service."""
    adapter_class = getattr(
        AsyncAdapt_asyncpg_dbapi, type(driver_error).__name__, AsyncAdapt_asyncpg_dbapi.Error
    )
    if isinstance(driver_error, asyncpg.exceptions.IntegrityConstraintViolationError):
        adapter_class = AsyncAdapt_asyncpg_dbapi.IntegrityError
    adapted = adapter_class(str(driver_error), driver_error)
    adapted.__cause__ = driver_error
    wrapped = DBAPIError.instance(
        "SELECT 1", {}, adapted, AsyncAdapt_asyncpg_dbapi.Error, connection_invalidated=invalidated
    )
    wrapped.__cause__ = adapted
    return wrapped


def raised_while_handling(error: Exception, context: Exception) -> Exception:
    """`error` as raised inside an `except` block handling `context` (so `context` is its __context__)."""
    try:
        try:
            raise context
        except Exception:
            raise error  # noqa: B904  (the implicit context is the point)
    except Exception as raised:
        return raised


OUTAGES = {
    "connection refused": ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)"),
    "no unix socket": FileNotFoundError(2, "No such file or directory"),
    "connect timed out": TimeoutError(),
    "starting up": as_sqlalchemy_raises(
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up")
    ),
    "shutting down": as_sqlalchemy_raises(
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command")
    ),
    "connection gone": as_sqlalchemy_raises(
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation")
    ),
    "too many connections": as_sqlalchemy_raises(
        asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already")
    ),
    "disconnect seen by SQLAlchemy": as_sqlalchemy_raises(
        asyncpg.exceptions.InterfaceError("connection is closed"), invalidated=True
    ),
    "pool exhausted": PoolTimeoutError("QueuePool limit of size 10 overflow 10 reached"),
    "already translated": DatabaseUnavailableError(),
}

NOT_OUTAGES = {
    "unique violation": as_sqlalchemy_raises(asyncpg.exceptions.UniqueViolationError("duplicate key")),
    "undefined table": as_sqlalchemy_raises(
        asyncpg.exceptions.UndefinedTableError('relation "x" does not exist')
    ),
    "misuse of a live connection": as_sqlalchemy_raises(
        asyncpg.exceptions.InterfaceError("another operation is in progress")
    ),
    "a bug": RuntimeError("unexpected"),
    "redis down while handling a database error": raised_while_handling(
        RedisConnectionError("Error 111 connecting to 127.0.0.1:6379."),
        ConnectionRefusedError(111, "refused"),
    ),
}


@pytest.mark.parametrize("error", OUTAGES.values(), ids=OUTAGES.keys())
def test_connection_level_failures_are_outages(error: Exception) -> None:
    assert is_database_outage(error)


@pytest.mark.parametrize("error", NOT_OUTAGES.values(), ids=NOT_OUTAGES.keys())
def test_statement_errors_and_other_services_failures_are_not_outages(error: Exception) -> None:
    assert not is_database_outage(error)


def test_database_unavailable_is_unavailable_for_the_client() -> None:
    assert DatabaseUnavailableError().extensions == {"code": "UNAVAILABLE", "reason": "database"}
