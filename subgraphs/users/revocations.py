"""The users subgraph publishes revoked sessions to Redis, from its session table, the source of truth.

A revocation is committed to PostgreSQL (`refresh_tokens.revoked_at`) first, then written to Redis for
the verifiers of every subgraph (`publish_sessions`). Redis may lose it (a restart without persistence,
an eviction) or miss it (down at logout), so `sync` rebuilds the whole set from the table:

- at start-up, before serving;
- whenever the marker of a complete rebuild is missing (Redis came back empty);
- after a write to Redis failed here;
- and every `full_rebuild_seconds` anyway, for what no marker can notice (an evicted key).

The set holds the sessions revoked within the last access-token lifetime plus a margin: older sessions
have no access token left that a verifier would accept. Each key lives until then.
"""

from __future__ import annotations

import asyncio
import math
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import structlog
from prometheus_client import Counter
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from subgraphs.common.db import SessionFactory
from subgraphs.common.revocations import RevocationList
from subgraphs.users import repository

# Beyond an access token's lifetime: the verifiers' 30-second clock leeway, and an access token signed
# just after the revocation by a refresh that committed before it.
REVOCATION_MARGIN_SECONDS = 60

log = structlog.get_logger(__name__)


def revocation_window_seconds(access_token_ttl_seconds: int) -> int:
    """How long after its revocation a session's access tokens may still be presented."""
    return access_token_ttl_seconds + REVOCATION_MARGIN_SECONDS


class SessionRevocations:
    """The one writer of revoked sessions to Redis in a users process (shared by its requests)."""

    def __init__(
        self,
        revocations: RevocationList,
        *,
        sessions: SessionFactory,
        access_token_ttl_seconds: int,
        full_rebuild_seconds: float,
        rebuilds: Counter | None = None,
    ) -> None:
        self._revocations = revocations
        self._sessions = sessions
        self._window_seconds = revocation_window_seconds(access_token_ttl_seconds)
        self._full_rebuild_seconds = full_rebuild_seconds
        self._rebuilds = rebuilds
        self._rebuilt_at = float("-inf")
        self._write_failed = True  # nothing is known about Redis until the first rebuild

    async def publish_sessions(self, families: Sequence[uuid.UUID]) -> None:
        """After the commit: access tokens of these sessions stop working everywhere, not just at expiry.

        If Redis fails here, the sessions are still over in PostgreSQL (no refresh) and the next `sync`
        rebuilds the set; it is logged, not turned into an error.
        """
        for family in families:
            try:
                await self._revocations.revoke_session(str(family), ttl_seconds=self._window_seconds)
            except RedisError as error:
                self._write_failed = True
                log.error("revocation.write_failed", session_id=str(family), error=str(error))

    async def publish_token(self, token_id: str, *, expires_at: int) -> None:
        """The caller's own access token at logout, until it expires (an extra: its session is revoked)."""
        remaining = expires_at - int(time.time())
        try:
            await self._revocations.revoke_token(token_id, ttl_seconds=remaining)
        except RedisError as error:
            log.error("revocation.write_failed", token_id=token_id, error=str(error))

    async def sync(self) -> bool:
        """Rebuild when the set may be incomplete (see the module docstring); True if it rebuilt."""
        try:
            due = (
                self._write_failed
                or time.monotonic() - self._rebuilt_at >= self._full_rebuild_seconds
                or not await self._revocations.is_rebuilt()
            )
        except RedisError as error:
            self._write_failed = True
            log.warning("revocation.sync_failed", error=str(error))
            return False
        return await self.rebuild() if due else False

    async def rebuild(self) -> bool:
        """Write every recently revoked session from PostgreSQL to Redis, then the marker; never raises."""
        self._write_failed = False  # a write failing from now on asks for another rebuild
        started = time.monotonic()
        try:
            attempt = await self._revocations.begin_rebuild()
            now = datetime.now(UTC)
            async with self._sessions() as session:
                revoked = await repository.sessions_revoked_since(
                    session=session, since=now - timedelta(seconds=self._window_seconds)
                )
            await self._revocations.finish_rebuild(attempt, sessions=self._ttls(revoked, now=now))
        except (RedisError, SQLAlchemyError, OSError) as error:
            self._write_failed = True
            self._count("failed")
            log.warning("revocation.rebuild_failed", error=str(error))
            return False
        self._rebuilt_at = started
        self._count("ok")
        log.info("revocation.rebuilt", sessions=len(revoked))
        return True

    def _ttls(self, revoked: dict[uuid.UUID, datetime], *, now: datetime) -> dict[str, int]:
        window = timedelta(seconds=self._window_seconds)
        return {
            str(family): math.ceil((revoked_at + window - now).total_seconds())
            for family, revoked_at in revoked.items()
        }

    def _count(self, outcome: str) -> None:
        if self._rebuilds is not None:
            self._rebuilds.labels(outcome=outcome).inc()

    async def run(self, *, interval_seconds: float) -> None:
        """`sync` every `interval_seconds` until cancelled; a bug in one round does not end the next."""
        while True:
            await asyncio.sleep(interval_seconds)
            try:
                await self.sync()
            except Exception:  # logged; the next round tries again
                log.exception("revocation.sync_crashed")
