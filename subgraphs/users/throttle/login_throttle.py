"""`LoginThrottle`: what `login` and `changePassword` call, counting in Redis when it answers and in
process while it does not.

Redis unreachable (refused, timed out, any `RedisError`) never fails a sign-in: the attempt is decided
by the in-process counters with the same rules, per process. The first failure logs one warning and
sets the degraded gauge; Redis is then asked again only every `redis_retry_seconds` (one attempt probes
it, the others stay in process), so an outage does not cost every sign-in a round trip or a timeout.
The first answer after that logs the recovery, clears the gauge and drops the in-process counts: the
counting is shared again (a restarted Redis has lost its own counts too).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import structlog
from redis.exceptions import RedisError

from subgraphs.common.errors import RateLimitedError
from subgraphs.users.throttle.in_process import InProcessCounters
from subgraphs.users.throttle.metrics import LoginThrottleMetrics
from subgraphs.users.throttle.redis_counters import RedisCounters
from subgraphs.users.throttle.rules import AttemptKeys, ThrottleRules, Verdict, attempt_keys

log = structlog.get_logger(__name__)

REFUSED = "Too many failed sign-in attempts. Try again later."


class LoginThrottle:
    """One per app (its in-process counters must outlive requests). Without `shared`, it counts in
    process only and is never degraded (a single process with no Redis)."""

    def __init__(
        self,
        rules: ThrottleRules,
        *,
        shared: RedisCounters | None = None,
        metrics: LoginThrottleMetrics | None = None,
        clock: Callable[[], float] = time.time,
        redis_retry_seconds: float = 5.0,
    ) -> None:
        self.rules = rules
        self.shared = shared
        self.local = InProcessCounters(rules)
        self.metrics = LoginThrottleMetrics() if metrics is None else metrics
        self._clock = clock
        self._retry_seconds = redis_retry_seconds
        self.degraded = False
        self._next_probe = float("-inf")

    async def attempt(self, *, email: str, address: str | None) -> None:
        """Count this attempt before the password is checked; RATE_LIMITED (with `retryAfterSeconds`)
        when its (account, address) pair must still wait or its address has failed too often."""
        keys = attempt_keys(email=email, address=address)
        verdict = await self._reserve(keys)
        if verdict.allowed:
            return
        seconds = max(1, math.ceil(verdict.retry_after))
        self.metrics.refusals.labels(rule=verdict.rule).inc()
        log.info("login_throttle.refused", rule=verdict.rule, address=address, retry_after_seconds=seconds)
        raise RateLimitedError(REFUSED, retryAfterSeconds=seconds)

    async def record_success(self, *, email: str, address: str | None) -> None:
        """The right password: this address starts afresh on the account (others' failures stay), and
        the address gets its attempt back."""
        keys = attempt_keys(email=email, address=address)
        now = self._clock()
        if self.shared is not None and self._redis_worth_asking(now):
            try:
                await self.shared.forgive(keys, now)
            except (RedisError, OSError) as error:
                self._enter_degraded(error, now)
            else:
                self._leave_degraded()
                return
        self.local.forgive(keys, now)

    async def _reserve(self, keys: AttemptKeys) -> Verdict:
        now = self._clock()
        if self.shared is not None and self._redis_worth_asking(now):
            try:
                verdict = await self.shared.reserve(keys, now)
            except (RedisError, OSError) as error:
                self._enter_degraded(error, now)
            else:
                self._leave_degraded()
                return verdict
        if self.shared is not None:
            self.metrics.fallbacks.inc()
        return self.local.reserve(keys, now)

    def _redis_worth_asking(self, now: float) -> bool:
        if not self.degraded:
            return True
        if now < self._next_probe:
            return False
        self._next_probe = now + self._retry_seconds  # this attempt probes; the others wait for it
        return True

    def _enter_degraded(self, error: Exception, now: float) -> None:
        self._next_probe = now + self._retry_seconds
        if self.degraded:
            return
        self.degraded = True
        self.metrics.degraded.set(1)
        log.warning(
            "login_throttle.redis_unreachable",
            error=f"{type(error).__name__}: {error}",
            counting="in process, per process, same rules",
            retry_seconds=self._retry_seconds,
        )

    def _leave_degraded(self) -> None:
        if not self.degraded:
            return
        self.degraded = False
        self.metrics.degraded.set(0)
        self.local.clear()
        log.warning("login_throttle.redis_answers_again", counting="in Redis, shared by every replica")
