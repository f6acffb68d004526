"""Who is calling: access-token verification and role checks.

Tokens are JWTs signed with an asymmetric key (EdDSA or RS256) named by `kid`. The algorithm is taken
from the trusted key, never from the token, so `alg: none` and algorithm confusion are refused. Role
checks live in the services (`require_role`), so every way into an operation is covered.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import jwt

from subgraphs.common.errors import ForbiddenError, UnauthenticatedError

ALLOWED_ALGORITHMS = frozenset({"EdDSA", "RS256"})
REQUIRED_CLAIMS = ("exp", "iat", "sub", "iss", "aud")


class Role(StrEnum):
    """The roles a token can carry; `service` is for subgraph-to-subgraph calls only."""

    CUSTOMER = "customer"
    ADMIN = "admin"
    SERVICE = "service"


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller of a request, or nobody (`subject` None)."""

    subject: str | None = None
    role: Role | None = None
    token_id: str | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.subject is not None


ANONYMOUS = Principal()


@dataclass(frozen=True, slots=True)
class RejectedCredential:
    """A credential that was presented but failed verification; any role check then says why."""

    reason: str


Caller = Principal | RejectedCredential


def require_role(caller: Caller, *roles: Role) -> Principal:
    """The caller, if it holds one of `roles`; UNAUTHENTICATED or FORBIDDEN otherwise."""
    if isinstance(caller, RejectedCredential):
        raise UnauthenticatedError(caller.reason)
    if not caller.is_authenticated:
        raise UnauthenticatedError("Sign in to do this.")
    if caller.role not in roles:
        raise ForbiddenError("You are not allowed to do this.", requiredRoles=[str(r) for r in roles])
    return caller


class KeySet:
    """The public keys that may sign access tokens, by `kid` (a JWKS document's keys)."""

    def __init__(self, keys: Mapping[str, jwt.PyJWK]) -> None:
        self._keys = dict(keys)

    @classmethod
    def from_jwks(cls, document: str | Mapping[str, Any]) -> KeySet:
        data = json.loads(document) if isinstance(document, str) else document
        keys: dict[str, jwt.PyJWK] = {}
        for entry in data.get("keys", []):
            key = jwt.PyJWK.from_dict(dict(entry))
            if key.key_id is None or key.algorithm_name not in ALLOWED_ALGORITHMS:
                continue
            keys[key.key_id] = key
        return cls(keys)

    @classmethod
    def empty(cls) -> KeySet:
        return cls({})

    def get(self, kid: str) -> jwt.PyJWK | None:
        return self._keys.get(kid)


class TokenVerifier:
    """Turns an `Authorization` header into a caller, checking signature, expiry, issuer, audience."""

    def __init__(self, keys: KeySet, *, issuer: str, audience: str, leeway_seconds: int = 30) -> None:
        self._keys = keys
        self._issuer = issuer
        self._audience = audience
        self._leeway = leeway_seconds

    def caller_from_header(self, authorization: str | None) -> Caller:
        """Anonymous without a header; a principal for a good token; a rejection with a reason otherwise."""
        if not authorization:
            return ANONYMOUS
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return RejectedCredential("The Authorization header must be 'Bearer <token>'.")
        try:
            return self.verify(token.strip())
        except UnauthenticatedError as error:
            return RejectedCredential(error.message)

    def verify(self, token: str) -> Principal:
        """The principal a token names; UNAUTHENTICATED for any fault, with a reason that leaks nothing."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise UnauthenticatedError("The access token is malformed.") from error
        key = self._keys.get(str(header.get("kid", "")))
        if key is None or header.get("alg") != key.algorithm_name:
            raise UnauthenticatedError("The access token is not signed by a trusted key.")
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[key.algorithm_name],
                issuer=self._issuer,
                audience=self._audience,
                leeway=self._leeway,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.ExpiredSignatureError as error:
            raise UnauthenticatedError("The access token has expired.") from error
        except jwt.PyJWTError as error:
            raise UnauthenticatedError("The access token is invalid.") from error
        try:
            role = Role(claims.get("role", Role.CUSTOMER))
        except ValueError as error:
            raise UnauthenticatedError("The access token carries an unknown role.") from error
        return Principal(subject=str(claims["sub"]), role=role, token_id=claims.get("jti"))
