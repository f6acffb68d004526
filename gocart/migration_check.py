"""`gocart migrate --check [--wait SECONDS]`: whether every chosen subgraph's schema has this code's
migrations, waiting for another process (the deployment's migration Job) to apply them when asked.

A deployment runs it before a subgraph starts (Kubernetes: an init container, deploy/base), so a new
release serves only once its migrations are in, without needing the rights to run them itself. A
database that cannot be reached yet is waited for like a migration that has not run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from subgraphs.common.db_outage import is_database_outage
from subgraphs.common.migrations import MigrationSource, is_behind

POLL_SECONDS = 2.0


def print_now(line: str) -> None:
    """A line on stdout at once: an init container's log must show why it waits while it waits."""
    print(line, flush=True)


@dataclass(frozen=True)
class MigrationState:
    """What one check found: the subgraphs whose schema is behind, or why the database was not asked."""

    behind: tuple[str, ...] = ()
    unreachable: str | None = None

    @property
    def current(self) -> bool:
        return not self.behind and self.unreachable is None

    def describe(self) -> str:
        if self.unreachable is not None:
            return f"the database is unreachable ({self.unreachable})"
        if self.behind:
            return f"migrations not applied yet: {', '.join(self.behind)}"
        return "every schema is up to date"


def check_migrations(database_url: str, sources: Mapping[str, MigrationSource]) -> MigrationState:
    behind: list[str] = []
    for name, source in sources.items():
        try:
            if is_behind(database_url, source):
                behind.append(name)
        except Exception as error:
            if not is_database_outage(error):
                raise
            return MigrationState(unreachable=type(error).__name__)
    return MigrationState(behind=tuple(behind))


def wait_until_migrated(
    database_url: str,
    sources: Mapping[str, MigrationSource],
    *,
    wait_seconds: float,
    report: Callable[[str], None] = print_now,
    poll_seconds: float = POLL_SECONDS,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> MigrationState:
    """Check until every schema is current or `wait_seconds` have passed; the last state found.

    Reports each change of state, not every poll, so a waiting init container logs little.
    """
    deadline = clock() + wait_seconds
    last: MigrationState | None = None
    while True:
        state = check_migrations(database_url, sources)
        if state != last and not state.current:
            report(f"Waiting: {state.describe()}")
        last = state
        if state.current or clock() >= deadline:
            return state
        sleep(poll_seconds)
