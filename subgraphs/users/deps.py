"""What a users use case gets from its request, bound once: session, caller, caches, sign-in machinery.

The request context binds these (`UsersContext.bind`), and every service function takes them first, so
no resolver wires a session, a caller or the caches by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.common.use_cases import RequestDeps
from subgraphs.users.caches import UserCaches
from subgraphs.users.passwords import Passwords
from subgraphs.users.revocations import SessionRevocations
from subgraphs.users.throttle import LoginThrottle
from subgraphs.users.tokens import AccessTokenIssuer


@dataclass(frozen=True)
class Security:
    """What signing people in needs: hashing, token issuing, throttling and revocation."""

    passwords: Passwords
    tokens: AccessTokenIssuer
    throttle: LoginThrottle
    revocations: SessionRevocations
    refresh_ttl_seconds: int


@dataclass(frozen=True)
class UsersDeps(RequestDeps):
    """A users request's dependencies; `client_address` is who is calling, for the sign-in throttle."""

    caches: UserCaches
    security: Security
    client_address: str | None
