"""Signing access tokens with an Ed25519 key, and publishing its public half as a JWKS document.

The users subgraph issues tokens with this; the CLI uses it to create the local development key pair
(once, in the data folder) and to mint tokens for GraphiQL; tests mint tokens with a throwaway key.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from subgraphs.common.auth import Role

ALGORITHM = "EdDSA"


@dataclass(frozen=True)
class SigningKey:
    """A private signing key and the `kid` that names it in tokens and in the JWKS."""

    kid: str
    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(kid=uuid.uuid4().hex[:16], private_key=Ed25519PrivateKey.generate())

    @classmethod
    def load_or_create(cls, folder: Path) -> SigningKey:
        """The key kept in `folder`, created on first use (owner-only); writes its public `jwks.json` too."""
        pem_path, kid_path = folder / "signing-key.pem", folder / "signing-key.kid"
        if pem_path.exists() and kid_path.exists():
            private = serialization.load_pem_private_key(pem_path.read_bytes(), password=None)
            if not isinstance(private, Ed25519PrivateKey):
                raise ValueError(f"{pem_path} is not an Ed25519 key")
            key = cls(kid=kid_path.read_text().strip(), private_key=private)
        else:
            key = cls.generate()
            folder.mkdir(parents=True, exist_ok=True)
            pem = key.private_key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            pem_path.touch(mode=0o600)
            pem_path.write_bytes(pem)
            kid_path.write_text(key.kid)
        (folder / "jwks.json").write_text(key.jwks())
        return key

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
            "jti": uuid.uuid4().hex,
            **(extra_claims or {}),
        }
        return jwt.encode(claims, self.private_key, algorithm=ALGORITHM, headers={"kid": self.kid})
