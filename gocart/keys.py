"""The key folder that `gocart dev` and the containers read (`$GOCART_DATA_DIR/keys`), and its rotation.

    users/signing-key.pem    the key the users subgraph signs access tokens with (owner-only)
    users/next-key.pem       the key it signs with after the next rotation (owner-only)
    users/previous-key.json  the public half of the key it signed with before the last rotation
    users/jwks.json          what the users subgraph publishes: the current, next and previous keys
    users/rotated-at         when the keys last rotated (Unix seconds)
    orders/service-key.pem   the orders subgraph's own key, for its service tokens (owner-only)
    service-jwks.json        the services' public keys, which verifiers trust for the `service` role only

One folder per identity, so that each container is given only its own (docker-compose.yml). A rotation
makes the next key the current one, the current one the previous, and creates a next one. The next key
is published a whole rotation ahead, so no verifier meets an unknown `kid` when it starts to sign; the
previous key stays published, so the tokens it signed verify until they expire. Files are replaced
atomically (written beside, then renamed): a reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from subgraphs.common.signing import SigningKey

SERVICES = ("orders",)  # the services that sign tokens of their own


@dataclass(frozen=True)
class Rotation:
    """What a rotation changed, by `kid`."""

    current: str
    next: str
    previous: str
    retired: str | None  # no longer published: tokens it signed are refused from now on


class RotationTooSoon(Exception):
    """The previous key may still have signed tokens that have not expired: dropping it would refuse them."""


def write_atomically(path: Path, text: str, *, private: bool = False) -> None:
    """Write `text` beside `path`, then rename it over `path` (owner-only when `private`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.staged")
    staged.unlink(missing_ok=True)
    descriptor = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o644)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.replace(staged, path)


class KeyFolder:
    """The keys in one folder; `open` creates what is missing."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.users = root / "users"
        self.signing_key_path = self.users / "signing-key.pem"
        self.next_key_path = self.users / "next-key.pem"
        self.previous_key_path = self.users / "previous-key.json"
        self.published_jwks_path = self.users / "jwks.json"
        self.rotated_at_path = self.users / "rotated-at"
        self.service_jwks_path = root / "service-jwks.json"

    @classmethod
    def open(
        cls,
        root: Path,
        *,
        signing_key: SigningKey | None = None,
        service_keys: Mapping[str, SigningKey] | None = None,
    ) -> KeyFolder:
        """The folder at `root`, with missing keys created (`signing_key` and `service_keys`, when
        given, are the ones created) and its JWKS documents written."""
        folder = cls(root)
        folder._move_flat_layout()
        if not folder.signing_key_path.exists():
            key = signing_key or SigningKey.generate()
            write_atomically(folder.signing_key_path, key.private_pem(), private=True)
        # A missing next key, or one a rotation cut short left equal to the current one, is replaced.
        if not folder.next_key_path.exists() or folder.next_key().kid == folder.signing_key().kid:
            write_atomically(folder.next_key_path, SigningKey.generate().private_pem(), private=True)
        for name in SERVICES:
            if not folder.service_key_path(name).exists():
                key = (service_keys or {}).get(name) or SigningKey.generate()
                write_atomically(folder.service_key_path(name), key.private_pem(), private=True)
        folder._write_jwks()
        return folder

    def service_key_path(self, name: str) -> Path:
        return self.root / name / "service-key.pem"

    def signing_key(self) -> SigningKey:
        return SigningKey.from_pem(self.signing_key_path.read_bytes())

    def next_key(self) -> SigningKey:
        return SigningKey.from_pem(self.next_key_path.read_bytes())

    def service_key(self, name: str) -> SigningKey:
        return SigningKey.from_pem(self.service_key_path(name).read_bytes())

    def previous_jwk(self) -> dict[str, Any] | None:
        if not self.previous_key_path.exists():
            return None
        jwk: dict[str, Any] = json.loads(self.previous_key_path.read_text())
        return jwk

    def rotated_at(self) -> float | None:
        if not self.rotated_at_path.exists():
            return None
        return float(self.rotated_at_path.read_text().strip())

    def published_jwks(self) -> dict[str, Any]:
        """The users subgraph's JWKS: the current key, the next, and the previous (if any)."""
        keys = [self.signing_key().public_jwk(), self.next_key().public_jwk()]
        previous = self.previous_jwk()
        return {"keys": keys + ([previous] if previous is not None else [])}

    def service_jwks(self) -> dict[str, Any]:
        return {"keys": [self.service_key(name).public_jwk() for name in SERVICES]}

    def rotate(
        self, *, min_interval_seconds: float, force: bool = False, now: float | None = None
    ) -> Rotation:
        """Sign with the next key from now on; keep the current one published as the previous.

        Refused (`RotationTooSoon`) within `min_interval_seconds` of the last rotation unless `force`:
        the previous key is dropped, and tokens it signed until then may not have expired yet.
        """
        now = time.time() if now is None else now
        last = self.rotated_at()
        if last is not None and now - last < min_interval_seconds and not force:
            wait = int(min_interval_seconds - (now - last)) + 1
            raise RotationTooSoon(
                f"The keys rotated {int(now - last)} s ago: tokens signed before that may still be valid. "
                f"Rotate again in {wait} s, or with --force to refuse them."
            )
        current, upcoming, retired = self.signing_key(), self.next_key(), self.previous_jwk()
        following = SigningKey.generate()
        # In this order, every state a crash could leave still verifies what was signed: the current
        # key is saved as the previous before the next one replaces it, and `open` renews a next key
        # that a cut-short rotation left equal to the current one.
        write_atomically(self.previous_key_path, json.dumps(current.public_jwk()))
        write_atomically(self.signing_key_path, upcoming.private_pem(), private=True)
        write_atomically(self.next_key_path, following.private_pem(), private=True)
        self._write_jwks()
        write_atomically(self.rotated_at_path, f"{now:.0f}\n")
        return Rotation(
            current=upcoming.kid,
            next=following.kid,
            previous=current.kid,
            retired=str(retired["kid"]) if retired is not None else None,
        )

    def _write_jwks(self) -> None:
        """Write both JWKS documents, only where they change (the users subgraph watches its own)."""
        for path, document in (
            (self.published_jwks_path, self.published_jwks()),
            (self.service_jwks_path, self.service_jwks()),
        ):
            text = json.dumps(document, indent=2) + "\n"
            if not path.exists() or path.read_text() != text:
                write_atomically(path, text)

    def _move_flat_layout(self) -> None:
        """A folder of an earlier version held the users key at its top: keep that key."""
        flat = self.root / "signing-key.pem"
        if not flat.exists():
            return
        if not self.signing_key_path.exists():
            self.users.mkdir(parents=True, exist_ok=True)
            os.replace(flat, self.signing_key_path)
        for stale in (flat, self.root / "signing-key.kid", self.root / "jwks.json"):
            stale.unlink(missing_ok=True)
