"""Emptying a test session's Redis namespace between tests, as the clean-up fixtures do."""

from __future__ import annotations

from redis.asyncio import Redis

from subgraphs.common.revocations import RevocationList


async def forget_namespace(redis: Redis, namespace: str) -> None:
    """Delete every key of `namespace` but the marker of a rebuilt revoked-session set.

    The tests' data goes; the marker stays, as it would in a Redis that was never restarted. Deleting it
    would rightly make verifiers treat revocations as unknown (admins refused) until the users
    subgraph's next rebuild, a few seconds later.
    """
    keep = RevocationList(redis, namespace=namespace).rebuilt_key.encode()
    keys = [key async for key in redis.scan_iter(match=f"{namespace}:*") if key != keep]
    if keys:
        await redis.delete(*keys)
