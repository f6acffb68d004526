"""The edge's rate limiter: which buckets a caller takes from, Redis or the in-process fallback, and the
`RateLimited` refusal (HTTP 429 with Retry-After).

Redis unreachable (refused, timed out, any `RedisError`) never fails a request: the request is decided
by the in-process buckets, with the same settings, so each replica limits alone. The outage is followed
by the router's shared `RedisOutage`: the first failure logs one warning and sets the degraded gauge;
Redis is then tried again only every `retry_seconds` (one request probes it, the others stay in
process), so an outage does not cost every request a timeout. The first answer after that logs the
recovery (a warning too: limits are shared again) and clears the gauge.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence

from redis.asyncio import Redis
from redis.exceptions import RedisError

from router.config import RateLimitSettings, RouterSettings
from router.edge.rate_limit.buckets import Bucket, Decision, InProcessBuckets
from router.edge.rate_limit.redis_buckets import RedisBuckets
from router.errors import RateLimited
from router.metrics import RouterMetrics
from router.redis_outage import RedisOutage

logger = logging.getLogger(__name__)

ADDRESS, SUBJECT = "address", "subject"
_WHO = {ADDRESS: "this client address", SUBJECT: "this account"}


class RateLimiter:
    """The buckets of a caller, taken from Redis (`shared`) when it answers and in process otherwise."""

    def __init__(
        self,
        settings: RateLimitSettings,
        metrics: RouterMetrics,
        shared: RedisBuckets | None = None,
        *,
        local: InProcessBuckets | None = None,
        clock: Callable[[], float] = time.monotonic,
        retry_seconds: float = 5.0,
    ) -> None:
        self.settings = settings
        self.metrics = metrics
        self.shared = shared
        self.local = InProcessBuckets() if local is None else local
        self.outage = RedisOutage(
            retry_seconds,
            clock,
            down=f"rate limiting in process, per replica, trying Redis again every {retry_seconds:.0f} s",
            up="rate limits are shared by every replica again",
            on_change=lambda down: metrics.rate_limit_degraded.set(1 if down else 0),
            log=logger,
            recovered_level=logging.WARNING,
        )

    @property
    def degraded(self) -> bool:
        """Redis is believed down: requests are decided in process."""
        return self.outage.ongoing

    def buckets(self, address: str, subject: str | None) -> list[Bucket]:
        """`address:<address>` always; `subject:<sub>` too for a signed-in caller."""
        settings = self.settings
        found = [Bucket(f"{ADDRESS}:{address}", settings.per_address_burst, settings.per_address_per_second)]
        if subject is not None:
            found.append(
                Bucket(f"{SUBJECT}:{subject}", settings.per_subject_burst, settings.per_subject_per_second)
            )
        return found

    async def admit(self, address: str, subject: str | None) -> None:
        """Take one token for the request; raises `RateLimited` when a bucket is empty."""
        refuse_unless_allowed(await self.take(self.buckets(address, subject)))

    def extra_tokens(self, estimated_cost: float, buckets: Sequence[Bucket]) -> int:
        """Tokens an operation costs beyond the one `admit` took: ceil(cost / cost_unit) - 1, at most what
        is left of the smallest bucket after that one (so an operation above the burst empties it)."""
        if not self.settings.cost_weighted:
            return 0
        extra = math.ceil(estimated_cost / self.settings.cost_unit) - 1
        return max(0, min(extra, min(bucket.burst for bucket in buckets) - 1))

    async def charge_cost(self, address: str, subject: str | None, estimated_cost: float) -> None:
        """With `cost_weighted`, take the operation's extra tokens once its cost is estimated; raises
        `RateLimited` when they are not all there (then none is taken)."""
        buckets = self.buckets(address, subject)
        extra = self.extra_tokens(estimated_cost, buckets)
        if extra > 0:
            refuse_unless_allowed(await self.take(buckets, extra))

    async def take(self, buckets: Sequence[Bucket], tokens: int = 1) -> Decision:
        """Redis's decision when it answers, the in-process buckets' otherwise."""
        if self.shared is not None and self.outage.worth_trying():
            try:
                decision = await self.shared.take(buckets, tokens)
            except (RedisError, OSError) as error:
                self.outage.failed(error)
            else:
                self.outage.succeeded()
                return decision
        if self.shared is not None:
            self.metrics.rate_limit_fallbacks.inc()
        return self.local.take(buckets, tokens)


def refuse_unless_allowed(decision: Decision) -> None:
    if decision.allowed:
        return
    seconds = max(1, math.ceil(decision.retry_after))
    kind = (decision.limiting_key or ADDRESS).split(":", 1)[0]
    raise RateLimited(
        f"Too many requests from {_WHO.get(kind, _WHO[ADDRESS])}: retry in {seconds} s.", seconds
    )


def build_rate_limiter(
    settings: RouterSettings, metrics: RouterMetrics, redis: Redis | None
) -> RateLimiter | None:
    """The limiter the settings ask for: None when disabled, shared through `redis` when there is one."""
    if not settings.rate_limit.enabled:
        return None
    shared = RedisBuckets(redis, settings.redis_namespace) if redis is not None else None
    return RateLimiter(settings.rate_limit, metrics, shared)
