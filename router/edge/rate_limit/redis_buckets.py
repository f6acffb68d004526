"""The GCRA buckets of buckets.py in Redis, shared by every router replica: one Lua script takes the
tokens from every key of a request atomically (all or none), so concurrent replicas never overspend.

Keys are `<namespace>:ratelimit:<bucket key>`, each holding its TAT in microseconds, with a TTL that ends
when the bucket is full again (an idle key vanishes). The clock is Redis's own (`TIME`), the same for
every replica; tests pass `now` instead. redis-py's `register_script` runs the script by its SHA
(EVALSHA) and loads it once when Redis does not know it yet.

Checks are coalesced: while one script call is in flight, the checks that arrive wait and then go
together in the next call, each still decided on its own (all or none over its keys), in arrival
order. At one request at a time that is one call per request as before; under load, one call serves
many requests, so the round trip and redis-py's per-command cost are paid once per batch, not once
per request (the rate limit was a tenth of the router's CPU with one call per request).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from dataclasses import dataclass

from redis.asyncio import Redis

from router.edge.rate_limit.buckets import ALLOWED, Bucket, Decision

MICROSECONDS = 1_000_000
MAX_BATCH = 256  # checks in one script call: bounds the time Redis spends in it

# ARGV[1]: now in microseconds, or '' for the server clock; ARGV[2]: the number of checks; then for each
# check: its tokens, its number of keys n, and for each of its keys the emission interval (microseconds)
# and the burst. KEYS: the keys of every check, in order.
# Returns, for each check, {1, 0, 0} when taken, or {0, microseconds to wait, index of the key (within
# the check) that refused}, flattened.
TAKE_SCRIPT = """
local now = tonumber(ARGV[1])
if not now then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000000 + tonumber(time[2])
end
local results = {}
local argument, first_key = 3, 1
for check = 1, tonumber(ARGV[2]) do
  local tokens = tonumber(ARGV[argument])
  local count = tonumber(ARGV[argument + 1])
  argument = argument + 2
  local arrivals = {}
  local longest, limiting = 0, 0
  for i = 1, count do
    local interval = tonumber(ARGV[argument])
    local burst = tonumber(ARGV[argument + 1])
    argument = argument + 2
    local tat = tonumber(redis.call('GET', KEYS[first_key + i - 1]))
    if not tat or tat < now then tat = now end
    local new_tat = tat + math.min(tokens, burst) * interval
    local wait = new_tat - burst * interval - now
    if wait > longest then longest, limiting = wait, i end
    arrivals[i] = new_tat
  end
  if limiting > 0 then
    table.insert(results, 0)
    table.insert(results, math.ceil(longest))
    table.insert(results, limiting)
  else
    for i = 1, count do
      local ttl = math.max(1, math.ceil((arrivals[i] - now) / 1000))
      redis.call('SET', KEYS[first_key + i - 1], string.format('%.0f', arrivals[i]), 'PX', ttl)
    end
    table.insert(results, 1)
    table.insert(results, 0)
    table.insert(results, 0)
  end
  first_key = first_key + count
end
return results
"""


@dataclass(slots=True)
class _Check:
    buckets: Sequence[Bucket]
    tokens: int
    now: float | None
    decided: asyncio.Future[Decision]


class RedisBuckets:
    """Raises redis-py's `RedisError` (connection refused, timeout, ...) when Redis cannot answer."""

    def __init__(self, redis: Redis, namespace: str) -> None:
        self._script = redis.register_script(TAKE_SCRIPT)
        self._prefix = f"{namespace}:ratelimit:"
        self._waiting: list[_Check] = []
        self._sender: asyncio.Task[None] | None = None
        self.calls = 0  # script calls sent: how well checks coalesce

    def redis_key(self, bucket: Bucket) -> str:
        return self._prefix + bucket.key

    async def take(self, buckets: Sequence[Bucket], tokens: int = 1, *, now: float | None = None) -> Decision:
        """Take `tokens` from every bucket, or from none; `now` (seconds) replaces Redis's clock in tests."""
        check = _Check(buckets, tokens, now, asyncio.get_running_loop().create_future())
        self._waiting.append(check)
        if self._sender is None:
            self._sender = asyncio.get_running_loop().create_task(self._send_waiting())
        return await check.decided

    async def _send_waiting(self) -> None:
        """Send the waiting checks, a batch per call, until none is left (checks with another `now`,
        which only tests give, go in a batch of their own)."""
        try:
            while self._waiting:
                batch, self._waiting = self._next_batch(self._waiting)
                await self._send(batch)
        finally:
            self._sender = None

    @staticmethod
    def _next_batch(waiting: list[_Check]) -> tuple[list[_Check], list[_Check]]:
        now = waiting[0].now
        size = 0
        while size < min(len(waiting), MAX_BATCH) and waiting[size].now == now:
            size += 1
        return waiting[:size], waiting[size:]

    async def _send(self, batch: list[_Check]) -> None:
        now = batch[0].now
        keys: list[str] = []
        arguments: list[str | int | float] = ["" if now is None else round(now * MICROSECONDS), len(batch)]
        for check in batch:
            arguments += [check.tokens, len(check.buckets)]
            for bucket in check.buckets:
                keys.append(self.redis_key(bucket))
                arguments += [bucket.interval * MICROSECONDS, bucket.burst]
        self.calls += 1
        try:
            results = await self._script(keys=keys, args=arguments)
        except BaseException as error:  # every waiting request learns of it (RedisError: degraded mode)
            for check in batch:
                if not check.decided.done():
                    check.decided.set_exception(error)
            if not isinstance(error, Exception):
                raise
            return
        for index, check in enumerate(batch):
            taken, wait, limiting = results[3 * index : 3 * index + 3]
            decision = (
                ALLOWED
                if taken
                else Decision(False, math.ceil(wait) / MICROSECONDS, check.buckets[int(limiting) - 1].key)
            )
            if not check.decided.done():
                check.decided.set_result(decision)
