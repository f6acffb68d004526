"""Whether Redis is believed down, for the router's uses of it that can do without it (APQ
registrations, the entity cache, shared rate limits): one warning per outage, one line when it answers
again, and Redis left alone for `retry_seconds` after a failure, so an outage does not add a timeout to
every request. Once that time has passed, one caller probes and the others keep waiting for it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)


class RedisOutage:
    """`down` and `up` say what the outage means for this use ("persisted queries are kept in this
    process only"), in the lines logged to `log`; `on_change(down)` is told when it starts and ends."""

    def __init__(
        self,
        retry_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        down: str = "working without it",
        up: str = "using it again",
        on_change: Callable[[bool], None] | None = None,
        log: logging.Logger = logger,
        recovered_level: int = logging.INFO,
    ) -> None:
        self.retry_seconds = retry_seconds
        self._clock = clock
        self._down = down
        self._up = up
        self._on_change = on_change
        self._log = log
        self._recovered_level = recovered_level
        self._down_since: float | None = None
        self._last_failure = 0.0

    @property
    def ongoing(self) -> bool:
        return self._down_since is not None

    def worth_trying(self) -> bool:
        """Redis is up, or down long enough to probe again (then this caller is the probe: the next
        probe is due `retry_seconds` later, whatever this one finds)."""
        if self._down_since is None:
            return True
        now = self._clock()
        if now - self._last_failure < self.retry_seconds:
            return False
        self._last_failure = now
        return True

    def failed(self, error: Exception) -> None:
        self._last_failure = self._clock()
        if self._down_since is None:
            self._down_since = self._last_failure
            self._log.warning("Redis is unreachable; %s: %s", self._down, error)
            if self._on_change is not None:
                self._on_change(True)

    def succeeded(self) -> None:
        if self._down_since is not None:
            self._down_since = None
            self._log.log(self._recovered_level, "Redis answers again; %s", self._up)
            if self._on_change is not None:
                self._on_change(False)
