"""Throttling failed sign-ins per account and per client address, in Redis.

Failures count in a fixed window per key. Unknown emails count like known ones, so the answer never
says whether an account exists.
"""

from __future__ import annotations

import hashlib

from redis.asyncio import Redis

from subgraphs.common.errors import RateLimitedError


class LoginThrottle:
    def __init__(
        self, redis: Redis, *, namespace: str, per_account: int, per_address: int, window_seconds: int
    ) -> None:
        self._redis = redis
        self._prefix = f"{namespace}:users:login-failures"
        self._limits = {"account": per_account, "address": per_address}
        self._window = window_seconds

    def _keys(self, email: str, address: str | None) -> dict[str, str]:
        keys = {"account": f"{self._prefix}:account:{hashlib.sha256(email.encode()).hexdigest()}"}
        if address:
            keys["address"] = f"{self._prefix}:address:{address}"
        return keys

    async def attempt(self, *, email: str, address: str | None) -> None:
        """Count this attempt before the password is checked; RATE_LIMITED past either limit.

        Counting first (one atomic INCR per key) means parallel guesses cannot all slip through while
        the first ones are still being hashed. A window starts with the first attempt (SET NX with the
        TTL, then INCR keeps it): no Redis 7 EXPIRE NX, so Redis 6 (the embedded one) works too.
        """
        keys = self._keys(email, address)
        async with self._redis.pipeline(transaction=True) as pipe:
            for key in keys.values():
                pipe.set(key, 0, ex=self._window, nx=True)
                pipe.incr(key)
            results = await pipe.execute()
        counts = dict(zip(keys, results[1::2], strict=True))
        for kind, key in keys.items():
            if int(counts[kind]) > self._limits[kind]:
                retry_after = max(int(await self._redis.ttl(key)), 1)
                raise RateLimitedError(
                    "Too many failed sign-in attempts. Try again later.", retryAfterSeconds=retry_after
                )

    async def record_success(self, *, email: str, address: str | None) -> None:
        """A correct password: the account starts afresh, and the address gets its attempt back."""
        keys = self._keys(email, address)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(keys["account"])
            if "address" in keys:
                pipe.decr(keys["address"])
            await pipe.execute()
