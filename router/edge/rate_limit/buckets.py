"""GCRA (the generic cell rate algorithm), the token bucket kept as one number per key: the theoretical
arrival time (TAT) of the next request, were the caller to send at exactly the sustained rate.

A bucket of `burst` tokens refilled at `per_second` has the emission interval T = 1 / per_second. Taking
n tokens moves the TAT to max(TAT, now) + n * T; that is allowed while the new TAT is at most
now + burst * T (a rested bucket therefore takes `burst` tokens at once). A refused request changes
nothing, and the caller may retry once the new TAT would fit: after new TAT - burst * T - now seconds.
A key whose TAT has passed is a full bucket, so it can be forgotten (a TTL in Redis, a sweep here).

Several buckets are taken together, all or none: a request counted against its address and its subject
is refused when either is empty, and then takes from neither. A request asks at most a bucket's whole
burst, so an operation weighted above the burst empties the bucket instead of never passing.

This is our own code rather than a library's because the limit must be one atomic step across several
keys in Redis (redis_buckets.py runs the same arithmetic as one Lua script), with a weight and the
retry-after time; the libraries at hand keep a log entry per request or take one key at a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Bucket:
    """One key's budget: `burst` tokens at once, refilled at `per_second`."""

    key: str
    burst: int
    per_second: float

    @property
    def interval(self) -> float:
        """Seconds one token takes to refill."""
        return 1.0 / self.per_second


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether the tokens were taken; if not, in how many seconds the same request would pass and
    which bucket refused it (the one that needs the longest wait)."""

    allowed: bool
    retry_after: float = 0.0
    limiting_key: str | None = None


ALLOWED = Decision(True)


def next_arrival(tat: float | None, now: float, tokens: int, bucket: Bucket) -> tuple[float, float]:
    """The bucket's TAT after taking `tokens` at `now`, and how long the caller must wait first (0: now)."""
    start = now if tat is None or tat < now else tat
    new_tat = start + min(tokens, bucket.burst) * bucket.interval
    return new_tat, max(0.0, new_tat - bucket.burst * bucket.interval - now)


def decide(arrivals: Sequence[tuple[Bucket, float, float]]) -> Decision:
    """All or none over (bucket, new TAT, wait) triples: allowed when no bucket asks to wait; otherwise
    the longest wait, and its bucket."""
    waiting = [(wait, bucket.key) for bucket, _, wait in arrivals if wait > 0]
    if not waiting:
        return ALLOWED
    wait, key = max(waiting)
    return Decision(False, wait, key)


class InProcessBuckets:
    """GCRA buckets in this process's memory: per replica, and lost on restart.

    Used when no Redis is configured, and while the configured Redis is unreachable. Keys whose TAT has
    passed are swept every `sweep_seconds`, so idle callers do not accumulate.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic, sweep_seconds: float = 10.0) -> None:
        self._clock = clock
        self._sweep_seconds = sweep_seconds
        self._arrivals: dict[str, float] = {}
        self._swept_at = clock()

    def __len__(self) -> int:
        return len(self._arrivals)

    def take(self, buckets: Sequence[Bucket], tokens: int = 1, *, now: float | None = None) -> Decision:
        """Take `tokens` from every bucket, or from none; `now` (seconds) replaces the clock in tests."""
        moment = self._clock() if now is None else now
        self._sweep(moment)
        arrivals = [
            (bucket, *next_arrival(self._arrivals.get(bucket.key), moment, tokens, bucket))
            for bucket in buckets
        ]
        decision = decide(arrivals)
        if decision.allowed:
            for bucket, new_tat, _ in arrivals:
                self._arrivals[bucket.key] = new_tat
        return decision

    def _sweep(self, now: float) -> None:
        if now - self._swept_at < self._sweep_seconds:
            return
        self._swept_at = now
        self._arrivals = {key: tat for key, tat in self._arrivals.items() if tat > now}
