"""Issuing access tokens (JWT) and refresh tokens (opaque, stored only as a SHA-256 digest)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from subgraphs.common.auth import Role
from subgraphs.common.signing import SigningKey
from subgraphs.users.models import UserRecord


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    expires_in: int
    refresh_token: str
    user: UserRecord


def new_refresh_token() -> tuple[str, str]:
    """A fresh refresh token and the digest that is stored in its place."""
    token = secrets.token_urlsafe(32)
    return token, refresh_token_digest(token)


def refresh_token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccessTokenIssuer:
    """Signs short-lived access tokens naming the user, their role and their session, with the key
    `signing_key` gives at the time (it changes when the keys are rotated)."""

    def __init__(
        self, signing_key: Callable[[], SigningKey], *, issuer: str, audience: str, ttl_seconds: int
    ) -> None:
        self._signing_key = signing_key
        self._issuer = issuer
        self._audience = audience
        self.ttl_seconds = ttl_seconds

    def issue(self, user: UserRecord, *, session_id: uuid.UUID) -> str:
        return self._signing_key().mint(
            subject=str(user.id),
            role=Role(user.role.value),
            issuer=self._issuer,
            audience=self._audience,
            ttl_seconds=self.ttl_seconds,
            extra_claims={"sid": str(session_id)},
        )
