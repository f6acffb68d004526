"""The GCRA buckets of buckets.py in Redis, shared by every router replica: one Lua script takes the
tokens from every key of a request atomically (all or none), so concurrent replicas never overspend.

Keys are `<namespace>:ratelimit:<bucket key>`, each holding its TAT in microseconds, with a TTL that ends
when the bucket is full again (an idle key vanishes). The clock is Redis's own (`TIME`), the same for
every replica; tests pass `now` instead. redis-py's `register_script` runs the script by its SHA
(EVALSHA) and loads it once when Redis does not know it yet.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from redis.asyncio import Redis

from router.edge.rate_limit.buckets import ALLOWED, Bucket, Decision

MICROSECONDS = 1_000_000

# KEYS: the buckets. ARGV[1]: now in microseconds, or '' for the server clock; ARGV[2]: tokens; then for
# each key i: ARGV[2i + 1] its emission interval (microseconds), ARGV[2i + 2] its burst.
# Returns {1, 0, 0} when taken, or {0, microseconds to wait, index of the key that refused}.
TAKE_SCRIPT = """
local now = tonumber(ARGV[1])
if not now then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000000 + tonumber(time[2])
end
local tokens = tonumber(ARGV[2])
local arrivals = {}
local longest, limiting = 0, 0
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i + 1])
  local burst = tonumber(ARGV[2 * i + 2])
  local tat = tonumber(redis.call('GET', key))
  if not tat or tat < now then tat = now end
  local new_tat = tat + math.min(tokens, burst) * interval
  local wait = new_tat - burst * interval - now
  if wait > longest then longest, limiting = wait, i end
  arrivals[i] = new_tat
end
if limiting > 0 then
  return {0, math.ceil(longest), limiting}
end
for i, key in ipairs(KEYS) do
  local ttl = math.max(1, math.ceil((arrivals[i] - now) / 1000))
  redis.call('SET', key, string.format('%.0f', arrivals[i]), 'PX', ttl)
end
return {1, 0, 0}
"""


class RedisBuckets:
    """Raises redis-py's `RedisError` (connection refused, timeout, ...) when Redis cannot answer."""

    def __init__(self, redis: Redis, namespace: str) -> None:
        self._script = redis.register_script(TAKE_SCRIPT)
        self._prefix = f"{namespace}:ratelimit:"

    def redis_key(self, bucket: Bucket) -> str:
        return self._prefix + bucket.key

    async def take(self, buckets: Sequence[Bucket], tokens: int = 1, *, now: float | None = None) -> Decision:
        """Take `tokens` from every bucket, or from none; `now` (seconds) replaces Redis's clock in tests."""
        arguments: list[str | int | float] = ["" if now is None else round(now * MICROSECONDS), tokens]
        for bucket in buckets:
            arguments += [bucket.interval * MICROSECONDS, bucket.burst]
        taken, wait, limiting = await self._script(
            keys=[self.redis_key(bucket) for bucket in buckets], args=arguments
        )
        if taken:
            return ALLOWED
        return Decision(False, math.ceil(wait) / MICROSECONDS, buckets[int(limiting) - 1].key)
