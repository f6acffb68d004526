"""Who is calling: access-token verification, revocation and role checks.

Tokens are JWTs signed with an asymmetric key (EdDSA or RS256) named by `kid`, published by the users
subgraph as a JWKS. The algorithm is taken from the trusted key, never from the token, so `alg: none` and
algorithm confusion are refused. A token also names its session (`sid`); logging out revokes the session
and the token in Redis, which every verifier checks (`revocations.py`). When Redis cannot say whether a
token is revoked, the roles in `fail_closed_roles` (admin by default) are refused with UNAVAILABLE and the
others accepted (docs/permissions.md, "Revoked sessions"). Role checks live in the services
(`require_role`), so every way into an operation is covered.

Two sets of keys are trusted, each for its own roles: the users subgraph's keys sign people's tokens
(`customer`, `admin`), and each service's own key (the orders subgraph's) signs its service tokens
(`service`) and nothing else, so a service that is broken into cannot mint an admin token. A token with
a role its key may not grant, with an unknown role, or living longer (`exp - iat`) than the configured
maximum is refused.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

import aiohttp
import jwt
import structlog
from prometheus_client import Counter

from subgraphs.common.errors import ForbiddenError, UnauthenticatedError, UnavailableError
from subgraphs.common.revocations import RevocationList, RevocationState

ALLOWED_ALGORITHMS = frozenset({"EdDSA", "RS256"})
REQUIRED_CLAIMS = ("exp", "iat", "sub", "iss", "aud", "role")
# The users subgraph's access tokens live 15 minutes; a minute more for the clocks of its issuer.
DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 900 + 60
# What a caller refused because revocations cannot be read is told to wait (the users subgraph checks
# Redis every few seconds and rebuilds the set as soon as it answers again).
REVOCATIONS_RETRY_AFTER_SECONDS = 5
# Verified tokens remembered per process (each entry is about half a kilobyte).
DEFAULT_VERIFIED_CACHE_SIZE = 10_000

log = structlog.get_logger(__name__)


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


# ---------------------------------------------------------------- key sources


class KeySource(Protocol):
    """Where the public keys that may sign access tokens come from, by `kid`."""

    async def get(self, kid: str) -> jwt.PyJWK | None: ...

    async def aclose(self) -> None: ...


def parse_jwks(document: str | Mapping[str, Any]) -> dict[str, jwt.PyJWK]:
    """The usable signing keys of a JWKS document (asymmetric, with a `kid`); others are ignored.
    `ValueError` when it is not a key set at all (not an object, or `keys` not a list)."""
    data = json.loads(document) if isinstance(document, str) else document
    entries = data.get("keys", []) if isinstance(data, Mapping) else None
    if not isinstance(entries, list):
        raise ValueError("the JWKS is not an object with a list of keys")
    keys: dict[str, jwt.PyJWK] = {}
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        try:
            key = jwt.PyJWK.from_dict(dict(entry))
        except jwt.PyJWTError:
            continue
        if key.key_id is not None and key.algorithm_name in ALLOWED_ALGORITHMS:
            keys[key.key_id] = key
    return keys


class KeySet:
    """A fixed set of public keys (a JWKS from settings)."""

    def __init__(self, keys: Mapping[str, jwt.PyJWK]) -> None:
        self._keys = dict(keys)

    @classmethod
    def from_jwks(cls, document: str | Mapping[str, Any]) -> KeySet:
        return cls(parse_jwks(document))

    @classmethod
    def empty(cls) -> KeySet:
        return cls({})

    async def get(self, kid: str) -> jwt.PyJWK | None:
        return self._keys.get(kid)

    async def aclose(self) -> None:
        return None


class RemoteKeySet:
    """The users subgraph's JWKS, fetched over HTTP and cached.

    Keys are refetched when the cache is older than `ttl_seconds`, or when a token names an unknown `kid`
    (a rotated key) but at most once per `min_refresh_seconds`, so forged kids cannot flood the issuer.
    One fetch at a time: requests that arrive while it is in flight wait for it, so the first requests
    after a start (or a rotation) are not refused for keys that are on their way. When the issuer is
    unreachable, the keys already known keep working.
    """

    def __init__(self, url: str, *, ttl_seconds: float = 300, min_refresh_seconds: float = 10) -> None:
        self._url = url
        self._ttl = ttl_seconds
        self._min_refresh = min_refresh_seconds
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")
        self._attempted_at = float("-inf")
        self._session: aiohttp.ClientSession | None = None
        self._fetching = asyncio.Lock()

    async def get(self, kid: str) -> jwt.PyJWK | None:
        if self._fetching.locked():
            # A fetch is in flight: a known key serves meanwhile, an unknown one waits for the fetch.
            if kid in self._keys:
                return self._keys[kid]
            async with self._fetching:
                pass
        elif self._wants_refresh(kid):
            async with self._fetching:
                if self._wants_refresh(kid):  # not fetched while this request waited
                    await self._refresh()
        return self._keys.get(kid)

    def _wants_refresh(self, kid: str) -> bool:
        now = time.monotonic()
        stale = now - self._fetched_at > self._ttl
        # Until a first fetch succeeds (the issuer may start after us), retry every second.
        pause = self._min_refresh if self._keys else 1.0
        return (stale or kid not in self._keys) and now - self._attempted_at > pause

    async def _refresh(self) -> None:
        self._attempted_at = time.monotonic()
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3))
        try:
            async with self._session.get(self._url) as response:
                response.raise_for_status()
                self._keys = parse_jwks(await response.json(content_type=None))
                self._fetched_at = self._attempted_at
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            log.warning("jwks.fetch_failed", url=self._url, error=str(error))

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


# ---------------------------------------------------------------- verification


class VerifiedTokens:
    """Tokens whose signature and claims this process has verified, by SHA-256 digest, until they
    expire: the same token on every request of a session (and on every hop of one request) costs one
    signature check per process. An entry holds the key it was verified with and counts only while
    that key is still the trusted one for its kid, so a key rotated out is not trusted through it.
    At most `max_entries` are kept; the oldest go first."""

    def __init__(self, *, max_entries: int, clock: Callable[[], float] = time.time) -> None:
        self._entries: dict[bytes, tuple[jwt.PyJWK, Principal]] = {}
        self._max_entries = max_entries
        self._clock = clock

    def get(self, token: str, key: jwt.PyJWK) -> Principal | None:
        digest = hashlib.sha256(token.encode()).digest()
        entry = self._entries.get(digest)
        if entry is None:
            return None
        verified_with, principal = entry
        if verified_with is not key or (principal.expires_at or 0) <= self._clock():
            del self._entries[digest]
            return None
        return principal

    def put(self, token: str, key: jwt.PyJWK, principal: Principal) -> None:
        if self._max_entries < 1:
            return
        while len(self._entries) >= self._max_entries:
            del self._entries[next(iter(self._entries))]
        self._entries[hashlib.sha256(token.encode()).digest()] = (key, principal)


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
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise UnauthenticatedError("The access token is malformed.") from error
        key, grantable = await self._trusted_key(str(header.get("kid", "")))
        if key is None or header.get("alg") != key.algorithm_name:
            raise UnauthenticatedError("The access token is not signed by a trusted key.")
        principal = self._verified.get(token, key)
        if principal is None:
            principal = self._verify_signed(token, key, grantable)
            self._verified.put(token, key, principal)
        if self._revocations is not None:
            await self._check_revocation(self._revocations, principal)
        return principal

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
