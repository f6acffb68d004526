"""The users subgraph's keys: the one it signs access tokens with, and the JWKS it publishes.

The JWKS holds the signing key and the keys published beside it (settings `JWT_PUBLISHED_JWKS` or
`..._FILE`): the previous key, which still verifies the tokens it signed until they expire, and the next
key, which verifiers know before it signs (docs/operations.md, "Rotating the signing key").

Given inline, the keys are fixed. Read from files, they are read again when a file changes (looked at
most every `reload_seconds`), so `gocart keys rotate` takes effect without a restart. A file that cannot
be read or parsed (half written, say) leaves the keys as they were and is read again at the next look.
The users subgraph verifies its own tokens against the same keys (`get`), so it follows a rotation too.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import structlog

from subgraphs.common.auth import parse_jwks
from subgraphs.common.signing import SigningKey
from subgraphs.users.config import UsersSettings

# Members of a private JWK (RFC 7518 6.2.2, 6.3.2 and RFC 8037): never published.
PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth"})

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class KeyMaterial:
    """One consistent reading of the keys: the signing key, and what is published with it."""

    signing_key: SigningKey
    document: Mapping[str, Any]
    public_keys: Mapping[str, jwt.PyJWK]

    @classmethod
    def build(cls, signing_key: SigningKey, published: str | None) -> KeyMaterial:
        """The signing key first, then the published keys that are usable, public and not it."""
        entries: list[dict[str, Any]] = [signing_key.public_jwk()]
        if published is not None:
            document = json.loads(published)
            if not isinstance(document, dict) or not isinstance(document.get("keys", []), list):
                raise ValueError("The published JWKS must be an object with a list of `keys`.")
            usable = parse_jwks(document)
            for entry in document.get("keys", []):
                if not isinstance(entry, dict):
                    continue
                if PRIVATE_MEMBERS & set(entry):
                    raise ValueError("The published JWKS holds a private key; it must hold public keys only.")
                if entry.get("kid") in usable and entry.get("kid") != signing_key.kid:
                    entries.append(dict(entry))
        document = {"keys": entries}
        return cls(signing_key=signing_key, document=document, public_keys=parse_jwks(document))


def signing_key_from_settings(settings: UsersSettings) -> SigningKey:
    """The signing key as settings give it now (a file is read)."""
    if settings.jwt_private_key is not None:
        pem = settings.jwt_private_key.get_secret_value().encode()
    elif settings.jwt_private_key_file is not None:
        pem = settings.jwt_private_key_file.read_bytes()
    else:
        raise ValueError(
            "Set GOCART_USERS_JWT_PRIVATE_KEY or GOCART_USERS_JWT_PRIVATE_KEY_FILE: no signing key."
        )
    return SigningKey.from_pem(pem, settings.jwt_key_id)


def published_jwks_from_settings(settings: UsersSettings) -> str | None:
    """The JWKS published beside the signing key, as settings give it now (a file is read)."""
    if settings.jwt_published_jwks is not None:
        return settings.jwt_published_jwks
    if settings.jwt_published_jwks_file is not None:
        return settings.jwt_published_jwks_file.read_text()
    return None


FileStamp = tuple[tuple[int, int, int], ...]


def stamp(paths: Sequence[Path]) -> FileStamp:
    """What changes when a file is written or replaced: its inode, size and modification time."""
    stamps = []
    for path in paths:
        status = os.stat(path)
        stamps.append((status.st_ino, status.st_size, status.st_mtime_ns))
    return tuple(stamps)


class UsersKeys:
    """The current key material, read again from its files when they change."""

    def __init__(
        self,
        load: Callable[[], KeyMaterial],
        *,
        watched: Sequence[Path] = (),
        reload_seconds: float = 10,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._watched = tuple(watched)
        self._reload_seconds = reload_seconds
        self._clock = clock
        self._stamp = stamp(self._watched) if self._watched else ()
        self._material = load()
        self._looked_at = clock()

    @classmethod
    def from_settings(cls, settings: UsersSettings, clock: Callable[[], float] = time.monotonic) -> UsersKeys:
        """Files given in settings are watched, the key file unless a fixed `kid` is configured: a new
        key under an old name would be refused by every verifier that has the old one cached."""
        reloading = settings.jwt_key_reload_seconds > 0
        watched: list[Path] = []
        fixed_key: SigningKey | None = signing_key_from_settings(settings)
        key_file = settings.jwt_private_key_file
        if reloading and key_file and settings.jwt_private_key is None and settings.jwt_key_id is None:
            watched.append(key_file)
            fixed_key = None
        published_file = settings.jwt_published_jwks_file
        if reloading and published_file and settings.jwt_published_jwks is None:
            watched.append(published_file)

        def load() -> KeyMaterial:
            key = fixed_key if fixed_key is not None else signing_key_from_settings(settings)
            return KeyMaterial.build(key, published_jwks_from_settings(settings))

        return cls(load, watched=watched, reload_seconds=settings.jwt_key_reload_seconds, clock=clock)

    def signing_key(self) -> SigningKey:
        return self._current().signing_key

    def jwks(self) -> Mapping[str, Any]:
        """The JWKS document to publish."""
        return self._current().document

    async def get(self, kid: str) -> jwt.PyJWK | None:
        return self._current().public_keys.get(kid)

    async def aclose(self) -> None:
        return None

    def _current(self) -> KeyMaterial:
        if self._watched and self._clock() - self._looked_at >= self._reload_seconds:
            self._looked_at = self._clock()
            self._reload_if_changed()
        return self._material

    def _reload_if_changed(self) -> None:
        try:
            now = stamp(self._watched)
            if now == self._stamp:
                return
            material = self._load()
        except (OSError, ValueError) as error:
            log.warning("users.keys_reload_failed", error=str(error))
            return
        previous = self._material.signing_key.kid
        self._material, self._stamp = material, now
        log.info("users.keys_reloaded", signing_kid=material.signing_key.kid, previous_signing_kid=previous)
