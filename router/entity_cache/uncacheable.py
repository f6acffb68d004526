"""Root-field fetches whose last answer the subgraph marked not to keep (`no-store`, no `max-age`):
their next lookups are skipped for a while.

A lookup that cannot hit is a Redis round trip for nothing on every request (an admin's order listing,
say, is never storable). Skipping it is always safe: the data then comes from the subgraph, as on a
miss, and that answer's own policy decides again: a storable one ends the skipping at once. After
`recheck_seconds` the cache is asked again anyway (an answer with errors decides nothing). Bounded: the
oldest entries go first.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

RECHECK_SECONDS = 30.0
KEPT = 4096


class UncacheableRoots:
    """(subgraph, variant) -> until when lookups are skipped; in one router process."""

    def __init__(
        self, clock: Callable[[], float], *, recheck_seconds: float = RECHECK_SECONDS, kept: int = KEPT
    ) -> None:
        self._clock = clock
        self._recheck = recheck_seconds
        self._kept = kept
        self._until: OrderedDict[tuple[str, str], float] = OrderedDict()

    def skip(self, subgraph: str, variant: str) -> bool:
        """Whether the last answer said not to keep this fetch, recently enough to skip its lookup."""
        until = self._until.get((subgraph, variant))
        if until is None:
            return False
        if self._clock() < until:
            return True
        del self._until[(subgraph, variant)]
        return False

    def answered(self, subgraph: str, variant: str, *, storable: bool) -> None:
        """What the subgraph's latest answer to this fetch allowed."""
        key = (subgraph, variant)
        if storable:
            self._until.pop(key, None)
            return
        self._until[key] = self._clock() + self._recheck
        self._until.move_to_end(key)
        if len(self._until) > self._kept:
            self._until.popitem(last=False)
