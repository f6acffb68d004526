"""The revoked-session set in Redis: the fast path every verifier reads, rebuilt from PostgreSQL.

The users subgraph's session table (`users.refresh_tokens.revoked_at`) is the source of truth. Redis
holds a copy, one key per revoked session (`sid`) until its access tokens would have expired anyway,
written at logout and rebuilt by the users subgraph from its table (`subgraphs/users/revocations.py`).

Redis keeps nothing on disk, so a restarted Redis is empty, and an empty set would say "nothing is
revoked". A marker key, written only at the end of a complete rebuild, tells the two apart: without it the
session part of the answer is unknown, not "no". A rebuild starts by writing an attempt key and ends by
renaming it to the marker, in the same transaction as the session keys; if Redis restarted meanwhile the
attempt key is gone, the rename fails, and the marker is not set by a rebuild the new Redis never got.

Token ids (`jti`) revoked at logout are kept here too, with no durable copy: every token the users
subgraph issues names its session, whose revocation is durable, so they are only an extra.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import Enum

from redis.asyncio import Redis
from redis.exceptions import RedisError

# A rebuild that has not finished within this long (a crashed process) leaves no trace behind.
REBUILD_ATTEMPT_SECONDS = 300


class RevocationState(Enum):
    """What Redis can say about a token: revoked, not revoked, or nothing trustworthy."""

    NOT_REVOKED = "not_revoked"
    REVOKED = "revoked"
    UNKNOWN = "unknown"


class RevocationList:
    """Revoked tokens and sessions in Redis, shared by every subgraph (the key prefix names no subgraph)."""

    def __init__(self, redis: Redis, *, namespace: str) -> None:
        self._redis = redis
        self._prefix = f"{namespace}:auth:revoked"
        self.rebuilt_key = f"{self._prefix}:rebuilt"

    def _token_key(self, token_id: str) -> str:
        return f"{self._prefix}:jti:{token_id}"

    def session_key(self, session_id: str) -> str:
        return f"{self._prefix}:sid:{session_id}"

    async def state(self, *, token_id: str | None, session_id: str | None) -> RevocationState:
        """One MGET: the token's and its session's keys, and the marker when a session is named.

        UNKNOWN when Redis does not answer, or when a session is named and the set has not been rebuilt
        since Redis last started empty (a token id alone has no durable copy to wait for).
        """
        keys = [self._token_key(token_id)] if token_id else []
        keys += [self.session_key(session_id), self.rebuilt_key] if session_id else []
        if not keys:
            return RevocationState.NOT_REVOKED
        try:
            values = await self._redis.mget(keys)
        except RedisError:
            return RevocationState.UNKNOWN
        marker = values.pop() if session_id else b"rebuilt"
        if any(value is not None for value in values):
            return RevocationState.REVOKED
        return RevocationState.NOT_REVOKED if marker is not None else RevocationState.UNKNOWN

    async def revoke_token(self, token_id: str, *, ttl_seconds: int) -> None:
        await self._redis.set(self._token_key(token_id), b"1", ex=max(ttl_seconds, 1))

    async def revoke_session(self, session_id: str, *, ttl_seconds: int) -> None:
        await self._redis.set(self.session_key(session_id), b"1", ex=max(ttl_seconds, 1))

    async def is_rebuilt(self) -> bool:
        """Whether the marker is there: False after Redis came back empty (or lost the key)."""
        return bool(await self._redis.exists(self.rebuilt_key))

    async def begin_rebuild(self) -> str:
        """Write a fresh attempt key, before the source of truth is read; returns it for `finish_rebuild`."""
        attempt = f"{self._prefix}:rebuilding:{uuid.uuid4().hex}"
        await self._redis.set(attempt, datetime.now(UTC).isoformat(), ex=REBUILD_ATTEMPT_SECONDS)
        return attempt

    async def finish_rebuild(self, attempt: str, *, sessions: Mapping[str, int]) -> None:
        """Write every revoked session (`sid` -> seconds to keep it) and turn the attempt into the marker.

        Raises `RedisError` (the rename's "no such key") when Redis lost the attempt key: the caller
        rebuilds again; the session keys written are right either way.
        """
        async with self._redis.pipeline(transaction=True) as pipe:
            for session_id, ttl_seconds in sessions.items():
                pipe.set(self.session_key(session_id), b"1", ex=max(ttl_seconds, 1))
            pipe.rename(attempt, self.rebuilt_key)
            pipe.persist(self.rebuilt_key)
            await pipe.execute()
