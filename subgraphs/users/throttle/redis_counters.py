"""The throttle's counters in Redis, shared by every replica of the users subgraph: one Lua script checks
and counts an attempt atomically, so concurrent attempts never overspend (rules.py, the same numbers).

Keys, under `<namespace>:users:login-failures`:
- `:account-address:<sha256 of the email>:<address>`: a hash {failures, last} (the last failure's time),
  expiring when its failures are forgotten (delay + window after the last one).
- `:address:<address>`: the address's failures in the current window, a plain counter whose TTL is the
  window (it starts with the window's first failure).

The time is the caller's clock, passed in, so tests can move it; the replicas' clocks only need to agree
to within a small fraction of the delays. Scripts use nothing Redis 7 added (the embedded Redis is 6.2).
"""

from __future__ import annotations

from redis.asyncio import Redis

from subgraphs.users.throttle.rules import (
    ACCOUNT_ADDRESS,
    ADDRESS,
    ALLOWED,
    AttemptKeys,
    ThrottleRules,
    Verdict,
)

# KEYS[1]: the pair's hash; KEYS[2], when the address is known: the address's counter. ARGV: now (seconds),
# failures before delay, first delay, max delay, window (seconds), max failures per address.
# Returns {0, '0'} when counted, or {1 (the pair) or 2 (the address), seconds to wait} when refused.
RESERVE_SCRIPT = """
local now = tonumber(ARGV[1])
local free, first, cap = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local window, per_address = tonumber(ARGV[5]), tonumber(ARGV[6])
local function delay_after(failures)
  if failures < free then return 0 end
  return math.min(first * 2 ^ math.min(failures - free, 64), cap)
end
local failures = tonumber(redis.call('HGET', KEYS[1], 'failures')) or 0
local last = tonumber(redis.call('HGET', KEYS[1], 'last')) or now
local delay = delay_after(failures)
if failures > 0 and now >= last + delay + window then failures, last = 0, now end
if delay > 0 and failures > 0 then
  local wait = last + delay - now
  if wait > 0 then return {1, tostring(wait)} end
end
if KEYS[2] then
  local count = tonumber(redis.call('GET', KEYS[2])) or 0
  if count >= per_address then
    local left = redis.call('PTTL', KEYS[2])
    if left < 0 then left = window * 1000 end
    return {2, tostring(left / 1000)}
  end
end
failures = failures + 1
redis.call('HSET', KEYS[1], 'failures', failures, 'last', tostring(math.max(last, now)))
redis.call('PEXPIRE', KEYS[1], math.ceil((delay_after(failures) + window) * 1000))
if KEYS[2] then
  redis.call('INCR', KEYS[2])
  if redis.call('PTTL', KEYS[2]) < 0 then redis.call('PEXPIRE', KEYS[2], math.ceil(window * 1000)) end
end
return {0, '0'}
"""

# KEYS as above. The pair starts afresh; the address gets its attempt back (never below 0, TTL kept).
FORGIVE_SCRIPT = """
redis.call('DEL', KEYS[1])
if KEYS[2] and (tonumber(redis.call('GET', KEYS[2])) or 0) > 0 then redis.call('DECR', KEYS[2]) end
return 1
"""

_RULE_OF_CODE = {1: ACCOUNT_ADDRESS, 2: ADDRESS}


class RedisCounters:
    """Raises redis-py's `RedisError` (refused, timed out, ...) when Redis cannot answer."""

    def __init__(self, redis: Redis, rules: ThrottleRules, *, namespace: str) -> None:
        self.rules = rules
        self.prefix = f"{namespace}:users:login-failures"
        self._reserve = redis.register_script(RESERVE_SCRIPT)
        self._forgive = redis.register_script(FORGIVE_SCRIPT)
        self.calls = 0  # scripts sent (or tried): how often Redis was asked

    def pair_key(self, keys: AttemptKeys) -> str:
        return f"{self.prefix}:account-address:{keys.pair}"

    def address_key(self, address: str) -> str:
        return f"{self.prefix}:address:{address}"

    def _redis_keys(self, keys: AttemptKeys) -> list[str]:
        found = [self.pair_key(keys)]
        if keys.address is not None:
            found.append(self.address_key(keys.address))
        return found

    async def reserve(self, keys: AttemptKeys, now: float) -> Verdict:
        rules = self.rules
        self.calls += 1
        code, wait = await self._reserve(
            keys=self._redis_keys(keys),
            args=[
                repr(now),
                rules.failures_before_delay,
                repr(rules.first_delay_seconds),
                repr(rules.max_delay_seconds),
                repr(rules.window_seconds),
                rules.max_failures_per_address,
            ],
        )
        if int(code) == 0:
            return ALLOWED
        return Verdict(False, float(wait), _RULE_OF_CODE[int(code)])

    async def forgive(self, keys: AttemptKeys, now: float) -> None:  # noqa: ARG002  (the protocol's `now`)
        self.calls += 1
        await self._forgive(keys=self._redis_keys(keys))
