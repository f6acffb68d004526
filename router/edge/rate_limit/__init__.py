"""Rate limiting at the edge: GCRA buckets per client address and per token subject, kept in Redis so
every replica shares one budget, with an in-process fallback while Redis is unreachable."""

from router.edge.rate_limit.buckets import Bucket, Decision, InProcessBuckets
from router.edge.rate_limit.limiter import RateLimiter, build_rate_limiter
from router.edge.rate_limit.redis_buckets import RedisBuckets

__all__ = [
    "Bucket",
    "Decision",
    "InProcessBuckets",
    "RateLimiter",
    "RedisBuckets",
    "build_rate_limiter",
]
