"""Who is calling: the roles a token can carry, the caller of a request, and the role checks.

A request's caller is a `Principal` (someone, or nobody) or a `RejectedCredential` (a token that failed
verification, with the reason). Role checks live in the services (`require_role`), so every way into an
operation is covered; a rejected credential answers UNAUTHENTICATED, or UNAVAILABLE when it could not be
checked at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from subgraphs.common.errors import ForbiddenError, UnauthenticatedError, UnavailableError

# What a caller refused because revocations cannot be read is told to wait (the users subgraph checks
# Redis every few seconds and rebuilds the set as soon as it answers again).
REVOCATIONS_RETRY_AFTER_SECONDS = 5


class Role(StrEnum):
    """The roles a token can carry; `service` is for subgraph-to-subgraph calls only."""

    CUSTOMER = "customer"
    ADMIN = "admin"
    SERVICE = "service"


PERSON_ROLES = frozenset({Role.CUSTOMER, Role.ADMIN})  # what the users subgraph's keys may grant
SERVICE_ROLES = frozenset({Role.SERVICE})  # what a service's own key may grant


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller of a request, or nobody (`subject` None)."""

    subject: str | None = None
    role: Role | None = None
    token_id: str | None = None
    session_id: str | None = None
    expires_at: int | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.subject is not None

    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


ANONYMOUS = Principal()


@dataclass(frozen=True, slots=True)
class RejectedCredential:
    """A credential that was presented but failed verification; any role check then says why.

    `unavailable`: the credential may be good, but it could not be checked (revocations unreadable);
    role checks answer UNAVAILABLE, which the caller may retry, instead of UNAUTHENTICATED.
    """

    reason: str
    unavailable: bool = False


Caller = Principal | RejectedCredential


def require_role(caller: Caller, *roles: Role) -> Principal:
    """The caller, if it holds one of `roles`; UNAUTHENTICATED or FORBIDDEN otherwise."""
    principal = require_signed_in(caller)
    if principal.role not in roles:
        raise ForbiddenError("You are not allowed to do this.", requiredRoles=[str(r) for r in roles])
    return principal


def require_signed_in(caller: Caller) -> Principal:
    """The caller, if a valid token names one; UNAUTHENTICATED otherwise."""
    if isinstance(caller, RejectedCredential):
        if caller.unavailable:
            raise UnavailableError(caller.reason, retryAfterSeconds=REVOCATIONS_RETRY_AFTER_SECONDS)
        raise UnauthenticatedError(caller.reason)
    if not caller.is_authenticated:
        raise UnauthenticatedError("Sign in to do this.")
    return caller


def is_admin(caller: Caller) -> bool:
    return isinstance(caller, Principal) and caller.role is Role.ADMIN
