"""Access-token verification: signature, claims, token policy and revocation.

Tokens are JWTs signed with an asymmetric key (EdDSA or RS256) named by `kid`, published by the users
subgraph as a JWKS. The algorithm is taken from the trusted key, never from the token, so `alg: none` and
algorithm confusion are refused. A token also names its session (`sid`); logging out revokes the session
and the token in Redis, which every verifier checks (`revocations.py`). When Redis cannot say whether a
token is revoked, the roles in `fail_closed_roles` (admin by default) are refused with UNAVAILABLE and the
others accepted (docs/permissions.md, "Revoked sessions").

Two sets of keys are trusted, each for its own roles: the users subgraph's keys sign people's tokens
(`customer`, `admin`), and each service's own key (the orders subgraph's) signs its service tokens
(`service`) and nothing else, so a service that is broken into cannot mint an admin token. A token with
a role its key may not grant, with an unknown role, or living longer (`exp - iat`) than the configured
maximum is refused.

The caller and the role checks are in `callers.py`, the key sources in `key_sources.py`; both are
re-exported here, so `from subgraphs.common.auth import Role` keeps working.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import jwt
import structlog
from prometheus_client import Counter

from subgraphs.common.callers import (
    ANONYMOUS,
    PERSON_ROLES,
    REVOCATIONS_RETRY_AFTER_SECONDS,
    SERVICE_ROLES,
    Caller,
    Principal,
    RejectedCredential,
    Role,
    is_admin,
    require_role,
    require_signed_in,
)
from subgraphs.common.errors import UnauthenticatedError, UnavailableError
from subgraphs.common.key_sources import ALLOWED_ALGORITHMS, KeySet, KeySource, RemoteKeySet, parse_jwks
from subgraphs.common.revocations import RevocationList, RevocationState

__all__ = [
    "ALLOWED_ALGORITHMS",
    "ANONYMOUS",
    "DEFAULT_MAX_TOKEN_LIFETIME_SECONDS",
    "DEFAULT_VERIFIED_CACHE_SIZE",
    "PERSON_ROLES",
    "REQUIRED_CLAIMS",
    "REVOCATIONS_RETRY_AFTER_SECONDS",
    "SERVICE_ROLES",
    "Caller",
    "KeySet",
    "KeySource",
    "Principal",
    "RejectedCredential",
    "RemoteKeySet",
    "Role",
    "TokenVerifier",
    "VerifiedToken",
    "VerifiedTokens",
    "is_admin",
    "parse_jwks",
    "require_role",
    "require_signed_in",
]

REQUIRED_CLAIMS = ("exp", "iat", "sub", "iss", "aud", "role")
# The users subgraph's access tokens live 15 minutes; a minute more for the clocks of its issuer.
DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 900 + 60
# Verified tokens remembered per process (each entry is about half a kilobyte).
DEFAULT_VERIFIED_CACHE_SIZE = 10_000

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class VerifiedToken:
    """What a verification established: the kid and key it was verified with, and whom it names."""

    kid: str
    key: jwt.PyJWK
    principal: Principal


class VerifiedTokens:
    """Tokens whose signature and claims this process has verified, by SHA-256 digest, until they
    expire: the same token on every request of a session (and on every hop of one request) costs one
    signature check per process, and not even a parse of its header (PyJWT's header check reads the
    whole token character by character, the largest fixed cost of a request here). An entry counts
    only while its key is still the trusted one for its kid, so a key rotated out is not trusted
    through it. At most `max_entries` are kept; the oldest go first."""

    def __init__(self, *, max_entries: int, clock: Callable[[], float] = time.time) -> None:
        self._entries: OrderedDict[bytes, VerifiedToken] = OrderedDict()  # oldest first, popped in O(1)
        self._max_entries = max_entries
        self._clock = clock

    def get(self, token: str) -> VerifiedToken | None:
        digest = hashlib.sha256(token.encode()).digest()
        entry = self._entries.get(digest)
        if entry is None:
            return None
        if (entry.principal.expires_at or 0) <= self._clock():
            del self._entries[digest]
            return None
        return entry

    def put(self, token: str, entry: VerifiedToken) -> None:
        if self._max_entries < 1:
            return
        while len(self._entries) >= self._max_entries:
            self._entries.popitem(last=False)
        self._entries[hashlib.sha256(token.encode()).digest()] = entry

    def forget(self, token: str) -> None:
        self._entries.pop(hashlib.sha256(token.encode()).digest(), None)


class TokenVerifier:
    """Turns an `Authorization` header into a caller: signature, expiry, issuer, audience, revocation.

    `unknown_revocations` counts the tokens checked while revocations could not be read, by role and
    decision (`refused` for `fail_closed_roles`, `accepted` otherwise).
    """

    def __init__(
        self,
        keys: KeySource,
        *,
        issuer: str,
        audience: str,
        revocations: RevocationList | None = None,
        fail_closed_roles: frozenset[Role] = frozenset({Role.ADMIN}),
        unknown_revocations: Counter | None = None,
        leeway_seconds: int = 30,
        service_keys: KeySource | None = None,
        max_lifetime_seconds: int = DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
        verified_cache_size: int = DEFAULT_VERIFIED_CACHE_SIZE,
    ) -> None:
        self._keys = keys
        self._service_keys = service_keys or KeySet.empty()
        self._issuer = issuer
        self._audience = audience
        self._revocations = revocations
        self._fail_closed_roles = fail_closed_roles
        self._unknown_revocations = unknown_revocations
        self._revocations_unknown = False
        self._leeway = leeway_seconds
        self._max_lifetime = max_lifetime_seconds
        self._verified = VerifiedTokens(max_entries=verified_cache_size)

    async def caller_from_header(self, authorization: str | None) -> Caller:
        """Anonymous without a header; a principal for a good token; a rejection with a reason otherwise."""
        if not authorization:
            return ANONYMOUS
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return RejectedCredential("The Authorization header must be 'Bearer <token>'.")
        try:
            return await self.verify(token.strip())
        except UnauthenticatedError as error:
            return RejectedCredential(error.message)
        except UnavailableError as error:
            return RejectedCredential(error.message, unavailable=True)

    async def verify(self, token: str) -> Principal:
        """The principal a token names; UNAUTHENTICATED for any fault, with a reason that leaks nothing;
        UNAVAILABLE for a fail-closed role whose revocation cannot be checked.

        A token verified before (same digest, not expired, its key still the trusted one for its kid)
        skips the signature check; its revocation is checked on every request all the same."""
        principal = await self._verified_before(token)
        if principal is None:
            try:
                header = jwt.get_unverified_header(token)
            except jwt.PyJWTError as error:
                raise UnauthenticatedError("The access token is malformed.") from error
            kid = str(header.get("kid", ""))
            key, grantable = await self._trusted_key(kid)
            if key is None or header.get("alg") != key.algorithm_name:
                raise UnauthenticatedError("The access token is not signed by a trusted key.")
            principal = self._verify_signed(token, key, grantable)
            self._verified.put(token, VerifiedToken(kid=kid, key=key, principal=principal))
        if self._revocations is not None:
            await self._check_revocation(self._revocations, principal)
        return principal

    async def _verified_before(self, token: str) -> Principal | None:
        """The principal of a token this process verified, if the key it was verified with is still
        the trusted one for its kid."""
        entry = self._verified.get(token)
        if entry is None:
            return None
        key, _ = await self._trusted_key(entry.kid)
        if key is not entry.key:
            self._verified.forget(token)
            return None
        return entry.principal

    def _verify_signed(self, token: str, key: jwt.PyJWK, grantable: frozenset[Role]) -> Principal:
        """Signature, claims and policy: the part of verification that depends on the token alone."""
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
            role = Role(claims["role"])
        except ValueError as error:
            raise UnauthenticatedError("The access token carries an unknown role.") from error
        if role not in grantable:
            raise UnauthenticatedError("The access token carries a role its key may not grant.")
        if int(claims["exp"]) - int(claims["iat"]) > self._max_lifetime:
            raise UnauthenticatedError("The access token lives longer than this service accepts.")
        return Principal(
            subject=str(claims["sub"]),
            role=role,
            token_id=claims.get("jti"),
            session_id=claims.get("sid"),
            expires_at=int(claims["exp"]),
        )

    async def _check_revocation(self, revocations: RevocationList, principal: Principal) -> None:
        state = await revocations.state(token_id=principal.token_id, session_id=principal.session_id)
        if state is RevocationState.REVOKED:
            raise UnauthenticatedError("The access token has been revoked.")
        self._note_revocations_readable(state is not RevocationState.UNKNOWN)
        if state is RevocationState.NOT_REVOKED:
            return
        refused = principal.role in self._fail_closed_roles
        if self._unknown_revocations is not None:
            self._unknown_revocations.labels(
                role=str(principal.role), decision="refused" if refused else "accepted"
            ).inc()
        if refused:
            raise UnavailableError(
                "Sign-in checks are unavailable right now; try again shortly.",
                retryAfterSeconds=REVOCATIONS_RETRY_AFTER_SECONDS,
            )

    def _note_revocations_readable(self, readable: bool) -> None:
        """Log when revocations become unreadable and readable again (once each, not per request)."""
        if readable == self._revocations_unknown:
            self._revocations_unknown = not readable
            if readable:
                log.info("revocation.readable_again")
            else:
                log.warning(
                    "revocation.unknown",
                    refused_roles=sorted(str(role) for role in self._fail_closed_roles),
                    detail="Redis is unreachable or its revoked-session set is not rebuilt yet",
                )

    async def _trusted_key(self, kid: str) -> tuple[jwt.PyJWK | None, frozenset[Role]]:
        """The key a `kid` names and the roles it may grant. Service keys come first: they are fixed
        (no fetch), so a service token never makes the users subgraph's JWKS be fetched again."""
        service_key = await self._service_keys.get(kid)
        if service_key is not None:
            return service_key, SERVICE_ROLES
        return await self._keys.get(kid), PERSON_ROLES

    async def aclose(self) -> None:
        await self._keys.aclose()
        await self._service_keys.aclose()
