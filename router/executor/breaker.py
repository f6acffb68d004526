"""A circuit breaker: after `failure_threshold` consecutive failures a subgraph is not called for
`reset_seconds`; then a single probe is let through, whose success closes the breaker and whose failure
opens it again.

Our own small state machine rather than a library: aiobreaker has had no release since 2021; pybreaker
supports coroutines only through Tornado, serialises calls with a thread lock and reads the wall clock;
purgatory lets every call through while half-open instead of one probe and reads `time.time()`. Here
everything runs on one event loop, so state changes need no lock (they happen between awaits), and the
clock is injectable so tests step time instead of sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True, slots=True)
class Permit:
    """Leave for one call to go ahead; `probe` marks the single call let through while half-open."""

    probe: bool = False


_CALL = Permit()
_PROBE = Permit(probe=True)


class CircuitBreaker:
    """Decides whether a call may go ahead (`admit`) and learns from its outcome (`record`).

    Only outcomes that can tell something count: while half-open, the probe's alone; once open, none
    (calls admitted before it opened and answering late change nothing).
    """

    def __init__(
        self,
        failure_threshold: int,
        reset_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_change: Callable[[BreakerState], None] | None = None,
    ) -> None:
        self.failure_threshold = failure_threshold
        self.reset_seconds = reset_seconds
        self._clock = clock
        self._on_change = on_change
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probing = False

    @property
    def state(self) -> BreakerState:
        return self._state

    def admit(self) -> Permit | None:
        """A permit for one call, or None: the call must fail at once without I/O."""
        if self._state is BreakerState.CLOSED:
            return _CALL
        if self._state is BreakerState.OPEN:
            if self._clock() - self._opened_at < self.reset_seconds:
                return None
            self._change(BreakerState.HALF_OPEN)
        if self._probing:
            return None
        self._probing = True
        return _PROBE

    def record(self, permit: Permit, *, success: bool) -> None:
        """The outcome of a call admitted with `permit`."""
        if permit.probe:
            self._probing = False
            if self._state is BreakerState.HALF_OPEN and success:
                self._close()
            elif self._state is BreakerState.HALF_OPEN:
                self._open()
            return
        if self._state is not BreakerState.CLOSED:
            return
        if success:
            self._failures = 0
            return
        self._failures += 1
        if self._failures >= self.failure_threshold:
            self._open()

    def abandon(self, permit: Permit) -> None:
        """A call ended without an outcome (cancelled): a probe's place goes to the next call."""
        if permit.probe:
            self._probing = False

    def _open(self) -> None:
        self._opened_at = self._clock()
        self._change(BreakerState.OPEN)

    def _close(self) -> None:
        self._failures = 0
        self._change(BreakerState.CLOSED)

    def _change(self, state: BreakerState) -> None:
        self._state = state
        if self._on_change is not None:
            self._on_change(state)
