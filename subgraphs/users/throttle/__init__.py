"""Throttling failed sign-ins per (account, client address) with doubling delays, and per address, in
Redis with an in-process fallback while Redis is unreachable (rules.py says why these rules).

Our own code rather than a library's: the check and the count must be one atomic step over two keys in
Redis, with a delay that doubles per failure and a reservation given back on success; the rate-limit
libraries at hand count requests in windows or buckets, one key at a time.
"""

from subgraphs.users.throttle.in_process import InProcessCounters
from subgraphs.users.throttle.login_throttle import LoginThrottle
from subgraphs.users.throttle.metrics import LoginThrottleMetrics
from subgraphs.users.throttle.redis_counters import RedisCounters
from subgraphs.users.throttle.rules import ThrottleRules, Verdict, attempt_keys

__all__ = [
    "InProcessCounters",
    "LoginThrottle",
    "LoginThrottleMetrics",
    "RedisCounters",
    "ThrottleRules",
    "Verdict",
    "attempt_keys",
]
