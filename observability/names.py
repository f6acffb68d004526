"""Bounded label values for operation names.

Clients choose operation names, so a label made of them could grow without end (one series per name a
client ever sent). `BoundedNames` keeps the names it is told up front (a persisted-query manifest's) and
the first `limit` other names it meets; every later name is `other`. Names that are not GraphQL names,
or longer than 64 characters, are `other` too; an operation without a name is `anonymous`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

ANONYMOUS = "anonymous"
OTHER = "other"
UNKNOWN = "unknown"  # refused before its operation could be told
DEFAULT_LIMIT = 100
_GRAPHQL_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,63}$")


class BoundedNames:
    def __init__(self, known: Iterable[str] = (), *, limit: int = DEFAULT_LIMIT) -> None:
        self._known = {name for name in known if _GRAPHQL_NAME.match(name)}
        self._seen: set[str] = set()
        self._limit = limit
        self._lock = threading.Lock()

    def label(self, name: str | None) -> str:
        """The label value for operation `name`."""
        if not name:
            return ANONYMOUS
        if name in self._known or name in self._seen:
            return name
        if not _GRAPHQL_NAME.match(name):
            return OTHER
        with self._lock:
            if len(self._seen) < self._limit:
                self._seen.add(name)
                return name
        return OTHER
