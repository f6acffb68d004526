"""When the supervisor starts a crashed service again, and when it gives up, as a process manager does.

A crash is restarted after a delay that doubles with each crash, up to a cap (as systemd's
`RestartSteps`/`RestartMaxDelaySec` and Kubernetes' crash-loop back-off do); `max_crashes` crashes of one
service within `window_seconds` stop everything (systemd's `StartLimitBurst` in `StartLimitIntervalSec`);
a run that lasted `reset_after_seconds` forgets the service's earlier crashes. Pure bookkeeping on the
times it is given, so it is tested without processes or clocks.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field


class RestartPolicy(BaseModel):
    """How crashed services are restarted (`GOCART_RESTART__<NAME>` for `gocart dev`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    backoff_seconds: float = Field(default=0.5, gt=0)
    max_backoff_seconds: float = Field(default=30.0, gt=0)
    max_crashes: int = Field(default=5, ge=1)
    window_seconds: float = Field(default=60.0, gt=0)
    reset_after_seconds: float = Field(default=60.0, gt=0)

    def delay(self, restart: int) -> float:
        """The wait before restart number `restart` (1 for the first since the count was last reset)."""
        return float(min(self.backoff_seconds * 2 ** (restart - 1), self.max_backoff_seconds))


@dataclass(frozen=True)
class Restart:
    """Start the service again after `delay_seconds`; `number` counts restarts since the last reset."""

    number: int
    delay_seconds: float


@dataclass(frozen=True)
class GiveUp:
    """The service crashed `crashes` times within `window_seconds`: stop everything."""

    crashes: int
    window_seconds: float


class CrashHistory:
    """One service's crashes under a policy: what to do about the latest one."""

    def __init__(self, policy: RestartPolicy) -> None:
        self._policy = policy
        self._restarts = 0
        self._recent: deque[float] = deque()  # crash times within the window

    def crashed(self, *, at: float, up_since: float) -> Restart | GiveUp:
        """The verdict on a crash at `at` of a run started at `up_since` (both on one monotonic clock)."""
        if at - up_since >= self._policy.reset_after_seconds:
            self._restarts = 0
            self._recent.clear()
        while self._recent and at - self._recent[0] >= self._policy.window_seconds:
            self._recent.popleft()
        self._recent.append(at)
        if len(self._recent) >= self._policy.max_crashes:
            return GiveUp(len(self._recent), self._policy.window_seconds)
        self._restarts += 1
        return Restart(self._restarts, self._policy.delay(self._restarts))
