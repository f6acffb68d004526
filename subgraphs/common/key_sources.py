"""Where the public keys that may sign access tokens come from: a fixed JWKS or the issuer's URL.

Only asymmetric keys (EdDSA, RS256) with a `kid` are kept; the verifier takes a token's algorithm from
the key, never from the token.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping
from typing import Any, Protocol

import aiohttp
import jwt
import structlog

ALLOWED_ALGORITHMS = frozenset({"EdDSA", "RS256"})

log = structlog.get_logger(__name__)


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
