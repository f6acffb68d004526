"""The credential orders presents to products: a service token (role `service`) signed with the
key from settings, re-minted shortly before it expires."""

from __future__ import annotations

import time
from pathlib import Path

from subgraphs.common.auth import Role
from subgraphs.common.signing import SigningKey

SERVICE_SUBJECT = "orders"


def signing_key_from(pem: str | None, pem_file: Path | None, kid: str | None) -> SigningKey | None:
    """The key that signs the service token, from settings (None: calls go without a credential)."""
    if pem is not None:
        return SigningKey.from_pem(pem.encode(), kid)
    if pem_file is not None:
        return SigningKey.from_pem(pem_file.read_bytes(), kid)
    return None


class ServiceCredential:
    """The bearer token orders presents to products (role `service`), re-minted shortly before expiry."""

    def __init__(self, key: SigningKey | None, *, issuer: str, audience: str, ttl_seconds: int) -> None:
        self._key = key
        self._issuer = issuer
        self._audience = audience
        self._ttl = ttl_seconds
        self._token: str | None = None
        self._renew_at = 0.0

    def header(self) -> dict[str, str]:
        if self._key is None:
            return {}
        now = time.monotonic()
        if self._token is None or now >= self._renew_at:
            self._token = self._key.mint(
                subject=SERVICE_SUBJECT,
                role=Role.SERVICE,
                issuer=self._issuer,
                audience=self._audience,
                ttl_seconds=self._ttl,
            )
            self._renew_at = now + self._ttl * 0.8
        return {"Authorization": f"Bearer {self._token}"}
