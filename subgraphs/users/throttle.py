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

    async def check(self, *, email: str, address: str | None) -> None:
        """RATE_LIMITED when either the account or the address has failed too often lately."""
        keys = self._keys(email, address)
        counts = await self._redis.mget(list(keys.values()))
        for (kind, key), count in zip(keys.items(), counts, strict=True):
            if count is not None and int(count) >= self._limits[kind]:
                retry_after = max(int(await self._redis.ttl(key)), 1)
                raise RateLimitedError(
                    "Too many failed sign-in attempts. Try again later.", retryAfterSeconds=retry_after
                )

    async def record_failure(self, *, email: str, address: str | None) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            for key in self._keys(email, address).values():
                pipe.incr(key)
                pipe.expire(key, self._window, nx=True)
            await pipe.execute()

    async def record_success(self, *, email: str) -> None:
        await self._redis.delete(self._keys(email, None)["account"])
