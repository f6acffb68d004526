"""One table of access tokens, good and bad, for both verifiers: the router's (`router/auth.py`) and the
subgraphs' (`subgraphs/common/auth.py`).

The two stay independent packages (the router imports no subgraph code), so their rules (algorithms,
clock leeway, required claims, roles, lifetime) can drift apart; each is run on this table, so any
token one accepts and the other refuses fails a test. Both verifiers are built with their defaults:
EdDSA and RS256 only, 30 seconds of leeway, people's roles (`customer`, `admin`), at most 16 minutes of
lifetime. Tokens are minted when a test runs, with margins of tens of seconds around every limit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI

from subgraphs.common.signing import SigningKey
from tests.support.servers import serve

ISSUER, AUDIENCE = "gocart-users", "gocart"
LEEWAY_SECONDS = 30
MAX_LIFETIME_SECONDS = 900 + 60
SYMMETRIC_SECRET = b"a-shared-secret-that-must-not-be-trusted"


def _rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class TokenIssuer:
    """The keys of the table: what its JWKS publishes, and a key it does not publish.

    Published: an Ed25519 key (`EdDSA`) and an RSA key (`RS256`), which both verifiers trust; an RSA
    key marked `RS512` and a symmetric (`oct`, HS256) key, which neither may trust."""

    ed25519_key: SigningKey = field(default_factory=SigningKey.generate)
    rsa_key: rsa.RSAPrivateKey = field(default_factory=_rsa_key)
    rs512_key: rsa.RSAPrivateKey = field(default_factory=_rsa_key)
    unpublished: SigningKey = field(default_factory=SigningKey.generate)

    def jwks(self) -> dict[str, Any]:
        def rsa_jwk(key: rsa.RSAPrivateKey, kid: str, alg: str) -> dict[str, Any]:
            jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
            return {**jwk, "kid": kid, "alg": alg, "use": "sig"}

        secret = base64.urlsafe_b64encode(SYMMETRIC_SECRET).rstrip(b"=").decode()
        return {
            "keys": [
                self.ed25519_key.public_jwk(),
                rsa_jwk(self.rsa_key, "rsa-256", "RS256"),
                rsa_jwk(self.rs512_key, "rsa-512", "RS512"),
                {"kty": "oct", "k": secret, "kid": "shared", "alg": "HS256", "use": "sig"},
            ]
        }

    def claims(self, **changes: Any) -> dict[str, Any]:
        """A good token's claims, with `changes` (a None value leaves the claim out)."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": "user-1",
            "role": "customer",
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": now,
            "nbf": now,
            "exp": now + 900,
            "jti": "token-1",
        }
        claims.update(changes)
        return {name: value for name, value in claims.items() if value is not None}

    def eddsa(self, claims: dict[str, Any], *, key: SigningKey | None = None, **headers: Any) -> str:
        signer = key or self.ed25519_key
        return jwt.encode(
            claims, signer.private_key, algorithm="EdDSA", headers={"kid": signer.kid, **headers}
        )

    def rs256(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.rsa_key, algorithm="RS256", headers={"kid": "rsa-256"})

    def rs512(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.rs512_key, algorithm="RS512", headers={"kid": "rsa-512"})

    def hs256(self, claims: dict[str, Any], *, secret: bytes, kid: str) -> str:
        return jwt.encode(claims, secret, algorithm="HS256", headers={"kid": kid})

    def public_pem(self) -> bytes:
        return self.ed25519_key.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def _b64(part: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


def _unsigned(issuer: TokenIssuer) -> str:
    return f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': issuer.ed25519_key.kid})}.{_b64(issuer.claims())}."


def _public_key_as_hmac_secret(issuer: TokenIssuer) -> str:
    """Algorithm confusion: HS256 keyed with the trusted public key, under the trusted kid."""
    signing_input = (
        f"{_b64({'alg': 'HS256', 'typ': 'JWT', 'kid': issuer.ed25519_key.kid})}.{_b64(issuer.claims())}"
    )
    mac = hmac.new(issuer.public_pem(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


def _tampered(issuer: TokenIssuer) -> str:
    header, _, signature = issuer.eddsa(issuer.claims()).split(".")
    return f"{header}.{_b64(issuer.claims(role='admin'))}.{signature}"


def _mislabelled(issuer: TokenIssuer) -> str:
    """Signed by the trusted Ed25519 key, but the header says RS256."""
    signing_input = (
        f"{_b64({'alg': 'RS256', 'typ': 'JWT', 'kid': issuer.ed25519_key.kid})}.{_b64(issuer.claims())}"
    )
    signature = issuer.ed25519_key.private_key.sign(signing_input.encode())
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def _other_key_under_trusted_kid(issuer: TokenIssuer) -> str:
    return jwt.encode(
        issuer.claims(),
        issuer.unpublished.private_key,
        algorithm="EdDSA",
        headers={"kid": issuer.ed25519_key.kid},
    )


def _lifetime(seconds: int) -> Callable[[TokenIssuer], str]:
    def mint(issuer: TokenIssuer) -> str:
        now = int(time.time())
        return issuer.eddsa(issuer.claims(iat=now - 60, nbf=now - 60, exp=now - 60 + seconds))

    return mint


def _now() -> int:
    return int(time.time())


@dataclass(frozen=True)
class TokenCase:
    name: str
    mint: Callable[[TokenIssuer], str]
    accepted: bool


TOKEN_CASES = [
    # good tokens
    TokenCase("a good EdDSA token", lambda i: i.eddsa(i.claims()), True),
    TokenCase("a good RS256 token", lambda i: i.rs256(i.claims()), True),
    TokenCase("an admin's token", lambda i: i.eddsa(i.claims(role="admin")), True),
    TokenCase("a token without jti or nbf", lambda i: i.eddsa(i.claims(jti=None, nbf=None)), True),
    TokenCase("a token living the longest allowed", _lifetime(MAX_LIFETIME_SECONDS), True),
    # the clock
    TokenCase(
        "expired within the leeway",
        lambda i: i.eddsa(i.claims(iat=_now() - 600, nbf=_now() - 600, exp=_now() - LEEWAY_SECONDS + 20)),
        True,
    ),
    TokenCase(
        "expired beyond the leeway",
        lambda i: i.eddsa(i.claims(iat=_now() - 600, nbf=_now() - 600, exp=_now() - LEEWAY_SECONDS - 60)),
        False,
    ),
    TokenCase(
        "not yet valid, within the leeway",
        lambda i: i.eddsa(i.claims(nbf=_now() + LEEWAY_SECONDS - 20)),
        True,
    ),
    TokenCase(
        "not yet valid, beyond the leeway",
        lambda i: i.eddsa(i.claims(nbf=_now() + LEEWAY_SECONDS + 60)),
        False,
    ),
    TokenCase(
        "issued in the future, beyond the leeway",
        lambda i: i.eddsa(i.claims(iat=_now() + LEEWAY_SECONDS + 60, exp=_now() + 900)),
        False,
    ),
    TokenCase("living longer than allowed", _lifetime(MAX_LIFETIME_SECONDS + 60), False),
    # algorithms and keys
    TokenCase("alg none", _unsigned, False),
    TokenCase("HS256 with the public key as the secret", _public_key_as_hmac_secret, False),
    TokenCase("a header alg other than its key's", _mislabelled, False),
    TokenCase("an RS512 key from the JWKS", lambda i: i.rs512(i.claims()), False),
    TokenCase(
        "a symmetric key from the JWKS",
        lambda i: i.hs256(i.claims(), secret=SYMMETRIC_SECRET, kid="shared"),
        False,
    ),
    TokenCase("an unknown kid", lambda i: i.eddsa(i.claims(), key=i.unpublished), False),
    TokenCase(
        "no kid",
        lambda i: jwt.encode(i.claims(), i.ed25519_key.private_key, algorithm="EdDSA"),
        False,
    ),
    TokenCase("another key under a trusted kid", _other_key_under_trusted_kid, False),
    TokenCase("a tampered payload", _tampered, False),
    TokenCase("not a JWT", lambda _issuer: "not-a-jwt", False),
    # claims
    TokenCase("another audience", lambda i: i.eddsa(i.claims(aud="another-api")), False),
    TokenCase("another issuer", lambda i: i.eddsa(i.claims(iss="someone-else")), False),
    TokenCase("no exp", lambda i: i.eddsa(i.claims(exp=None)), False),
    TokenCase("no iat", lambda i: i.eddsa(i.claims(iat=None)), False),
    TokenCase("no sub", lambda i: i.eddsa(i.claims(sub=None)), False),
    TokenCase("no aud", lambda i: i.eddsa(i.claims(aud=None)), False),
    TokenCase("no iss", lambda i: i.eddsa(i.claims(iss=None)), False),
    TokenCase("no role", lambda i: i.eddsa(i.claims(role=None)), False),
    TokenCase("an unknown role", lambda i: i.eddsa(i.claims(role="root")), False),
    TokenCase("a role that is not a string", lambda i: i.eddsa(i.claims(role=["admin"])), False),
    TokenCase("a service role from the users' key", lambda i: i.eddsa(i.claims(role="service")), False),
]


@asynccontextmanager
async def published(issuer: TokenIssuer) -> AsyncIterator[str]:
    """The issuer's JWKS served over HTTP, as the users subgraph serves it: its URL."""
    app = FastAPI()

    @app.get("/jwks.json")
    async def jwks() -> dict[str, Any]:
        return issuer.jwks()

    async with serve(app) as url:
        yield f"{url}/jwks.json"
