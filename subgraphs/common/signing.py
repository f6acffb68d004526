"""Signing access tokens with an Ed25519 key, and publishing its public half as a JWKS document.

The users subgraph issues tokens with this, and the orders subgraph its service tokens (with its own
key); the CLI uses it to create and rotate the local key folder (gocart/keys.py) and to mint tokens for
GraphiQL; tests mint tokens with throwaway keys.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from subgraphs.common.auth import Role

ALGORITHM = "EdDSA"


def key_id(private_key: Ed25519PrivateKey) -> str:
    """A stable `kid`: a digest of the public key, so the same key always has the same name."""
    raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class SigningKey:
    """A private signing key and the `kid` that names it in tokens and in the JWKS."""

    kid: str
    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> SigningKey:
        private = Ed25519PrivateKey.generate()
        return cls(kid=key_id(private), private_key=private)

    @classmethod
    def from_pem(cls, pem: bytes, kid: str | None = None) -> SigningKey:
        """A key from settings; without a `kid`, one is derived from the public key."""
        private = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(private, Ed25519PrivateKey):
            raise ValueError("The signing key must be an Ed25519 private key in PEM (PKCS#8).")
        return cls(kid=kid or key_id(private), private_key=private)

    def private_pem(self) -> str:
        """The private key as PKCS#8 PEM, as settings take it (`GOCART_USERS_JWT_PRIVATE_KEY`)."""
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()

    def public_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(self.private_key.public_key()))
        return {**jwk, "kid": self.kid, "alg": ALGORITHM, "use": "sig"}

    def jwks(self) -> str:
        """The JWKS document (JSON) that verifiers load."""
        return json.dumps({"keys": [self.public_jwk()]})

    def mint(
        self,
        *,
        subject: str,
        role: Role,
        issuer: str,
        audience: str,
        ttl_seconds: int = 900,
        extra_claims: dict[str, Any] | None = None,
        token_id: str | None = None,
    ) -> str:
        """A signed access token for `subject` with `role`, valid for `ttl_seconds`."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": subject,
            "role": str(role),
            "iss": issuer,
            "aud": audience,
            "iat": now,
            "nbf": now,
            "exp": now + ttl_seconds,
            "jti": token_id or uuid.uuid4().hex,
            **(extra_claims or {}),
        }
        return jwt.encode(claims, self.private_key, algorithm=ALGORITHM, headers={"kid": self.kid})
