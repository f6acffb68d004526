"""A handler that failed because a dependency is down is logged in one line; a bug with its traceback."""

from __future__ import annotations

from subgraphs.common.db_outage import DatabaseUnavailableError
from subgraphs.common.handler_failures import failure_log_fields
from subgraphs.common.router_notifier import RouterInvalidationFailed


def test_a_router_that_cannot_be_reached_is_logged_by_its_message() -> None:
    error = RouterInvalidationFailed("the router cannot be reached: ECONNREFUSED")
    assert failure_log_fields(error) == {
        "error": "RouterInvalidationFailed: the router cannot be reached: ECONNREFUSED"
    }


def test_a_database_that_refuses_connections_is_logged_by_its_message() -> None:
    error = ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")
    assert set(failure_log_fields(error)) == {"error"}


def test_a_database_unavailable_error_is_logged_by_its_message() -> None:
    assert set(failure_log_fields(DatabaseUnavailableError())) == {"error"}


def test_a_bug_in_the_handler_keeps_its_traceback() -> None:
    error = KeyError("total")
    assert failure_log_fields(error) == {"exc_info": error}
