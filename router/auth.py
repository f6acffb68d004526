"""Access tokens checked at the edge: a request whose token is forged, expired or foreign is refused
(401, UNAUTHENTICATED) before any subgraph is called. Tokens are verified against the users subgraph's
JWKS, fetched over HTTP and cached; the algorithm comes from the trusted key, never from the token.

The router also holds every token to the token policy: its role must be one the router accepts (by
default the users subgraph's `customer` and `admin`; service tokens are for calls between subgraphs and
never come through the router), and it may live (`exp - iat`) no longer than the configured maximum.
What each role may do, and revocations, are the subgraphs' to check on every request. A request with
no token passes, as an anonymous caller. The router talks to the users subgraph only over HTTP (it
imports no subgraph code), so this small verifier is its own.

A token verified once is remembered by its SHA-256 digest until it expires, with the key it was
verified with: the same token on the next request of a session skips the header parse and the
signature check, and counts only while that key is still the trusted one for its kid (a key rotated
out of the JWKS is not trusted through it).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass

import aiohttp
import jwt

from router.errors import Unauthenticated

ALLOWED_ALGORITHMS = frozenset({"EdDSA", "RS256"})
ACCEPTED_ROLES = ("customer", "admin")
DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 900 + 60  # the access tokens' 15 minutes, and a minute for clocks
VERIFIED_KEPT = 10_000  # tokens remembered as verified; the oldest go first

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a verified access token names, and with which role."""

    subject: str
    role: str


@dataclass(frozen=True, slots=True)
class _Verified:
    kid: str
    key: jwt.PyJWK
    identity: Identity
    expires_at: int


class TokenGate:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        jwks_url: str,
        issuer: str,
        audience: str,
        ttl_seconds: float = 300,
        min_refresh_seconds: float = 10,
        accepted_roles: tuple[str, ...] = ACCEPTED_ROLES,
        max_lifetime_seconds: int = DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
    ) -> None:
        self._session = session
        self._accepted_roles = frozenset(accepted_roles)
        self._max_lifetime = max_lifetime_seconds
        self._url = jwks_url
        self._issuer = issuer
        self._audience = audience
        self._ttl = ttl_seconds
        self._min_refresh = min_refresh_seconds
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")
        self._attempted_at = float("-inf")
        self._fetching = asyncio.Lock()
        self._verified: OrderedDict[bytes, _Verified] = OrderedDict()  # oldest first, popped in O(1)

    async def refusal(self, authorization: str | None) -> str | None:
        """Why the request's credential is refused, or None when there is none or it is good."""
        try:
            await self.subject(authorization)
        except Unauthenticated as error:
            return str(error)
        return None

    async def subject(self, authorization: str | None) -> str | None:
        """The verified token's subject, None without a token; raises `Unauthenticated` for a bad one."""
        identity = await self.identity(authorization)
        return identity.subject if identity is not None else None

    async def identity(self, authorization: str | None) -> Identity | None:
        """The verified token's subject and role, None without a token; raises `Unauthenticated` for a
        bad one."""
        if not authorization:
            return None
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("The Authorization header must be 'Bearer <token>'.")
        token = token.strip()
        digest = hashlib.sha256(token.encode()).digest()
        known = self._verified.get(digest)
        if known is not None:
            if known.expires_at > time.time() and await self._key(known.kid) is known.key:
                self._verified.move_to_end(digest)  # kept, as the newest
                return known.identity
            self._verified.pop(digest, None)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise Unauthenticated("The access token is malformed.") from error
        kid = str(header.get("kid", ""))
        key = await self._key(kid)
        if key is None or header.get("alg") != key.algorithm_name:
            raise Unauthenticated("The access token is not signed by a trusted key.")
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[key.algorithm_name],
                issuer=self._issuer,
                audience=self._audience,
                leeway=30,
                options={"require": ["exp", "iat", "sub", "iss", "aud", "role"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise Unauthenticated("The access token has expired.") from error
        except jwt.PyJWTError as error:
            raise Unauthenticated("The access token is invalid.") from error
        if not isinstance(claims["role"], str) or claims["role"] not in self._accepted_roles:
            raise Unauthenticated("The access token carries a role the router does not accept.")
        if int(claims["exp"]) - int(claims["iat"]) > self._max_lifetime:
            raise Unauthenticated("The access token lives longer than the router accepts.")
        identity = Identity(str(claims["sub"]), claims["role"])
        self._remember(digest, _Verified(kid, key, identity, int(claims["exp"])))
        return identity

    def _remember(self, digest: bytes, verified: _Verified) -> None:
        while len(self._verified) >= VERIFIED_KEPT:
            self._verified.popitem(last=False)
        self._verified[digest] = verified

    async def _key(self, kid: str) -> jwt.PyJWK | None:
        """The key named `kid`; one JWKS fetch at a time, which requests arriving meanwhile wait for."""
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
        pause = self._min_refresh if self._keys else 1.0
        return (stale or kid not in self._keys) and now - self._attempted_at > pause

    async def _refresh(self) -> None:
        self._attempted_at = time.monotonic()
        try:
            async with self._session.get(self._url, timeout=aiohttp.ClientTimeout(total=3)) as response:
                response.raise_for_status()
                document = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            logger.warning("could not fetch the JWKS at %s: %s", self._url, error)
            return
        entries = document.get("keys", []) if isinstance(document, dict) else None
        if not isinstance(entries, list):
            logger.warning(
                "the JWKS at %s is not an object with a list of keys; keeping the known keys", self._url
            )
            return
        keys: dict[str, jwt.PyJWK] = {}
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            try:
                key = jwt.PyJWK.from_dict(dict(entry))
            except jwt.PyJWTError:
                continue
            if key.key_id is not None and key.algorithm_name in ALLOWED_ALGORITHMS:
                keys[key.key_id] = key
        self._keys, self._fetched_at = keys, self._attempted_at
