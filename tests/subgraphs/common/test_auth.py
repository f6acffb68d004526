"""Access-token verification refuses every kind of forged, stale or foreign token."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from subgraphs.common.auth import (
    ANONYMOUS,
    KeySet,
    Principal,
    RejectedCredential,
    RemoteKeySet,
    Role,
    TokenVerifier,
    require_role,
)
from subgraphs.common.errors import ForbiddenError, UnauthenticatedError
from subgraphs.common.signing import SigningKey
from tests.support.jwks_refresh import REFRESH_SCENARIOS, Accepts, RefreshScenario, stand_in_issuer
from tests.support.token_cases import TOKEN_CASES, TokenCase, TokenIssuer, published

ISSUER, AUDIENCE = "gocart-users", "gocart"


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture(scope="module")
def verifier(key: SigningKey) -> TokenVerifier:
    return TokenVerifier(KeySet.from_jwks(key.jwks()), issuer=ISSUER, audience=AUDIENCE)


def mint(key: SigningKey, **overrides: object) -> str:
    claims = {"iss": ISSUER, "aud": AUDIENCE}
    return key.mint(
        subject="user-1",
        role=Role.CUSTOMER,
        issuer=str(overrides.pop("iss", claims["iss"])),
        audience=str(overrides.pop("aud", claims["aud"])),
        extra_claims=dict(overrides),
    )


def b64(part: Mapping[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


async def refused(verifier: TokenVerifier, token: str) -> str:
    with pytest.raises(UnauthenticatedError) as raised:
        await verifier.verify(token)
    return raised.value.message


async def test_a_good_token_names_its_subject_and_role(key: SigningKey, verifier: TokenVerifier) -> None:
    principal = await verifier.verify(mint(key))
    assert (principal.subject, principal.role) == ("user-1", Role.CUSTOMER)


async def test_an_expired_token_is_refused(key: SigningKey, verifier: TokenVerifier) -> None:
    past = int(time.time()) - 3600
    assert "expired" in await refused(verifier, mint(key, exp=past, iat=past - 60, nbf=past - 60))


async def test_another_issuer_is_refused(key: SigningKey, verifier: TokenVerifier) -> None:
    await refused(verifier, mint(key, iss="someone-else"))


async def test_another_audience_is_refused(key: SigningKey, verifier: TokenVerifier) -> None:
    await refused(verifier, mint(key, aud="another-api"))


async def test_a_token_from_an_unknown_key_is_refused(verifier: TokenVerifier) -> None:
    await refused(verifier, mint(SigningKey.generate()))


async def test_alg_none_is_refused(key: SigningKey, verifier: TokenVerifier) -> None:
    header = {"alg": "none", "typ": "JWT", "kid": key.kid}
    payload = jwt.decode(mint(key), options={"verify_signature": False})
    await refused(verifier, f"{b64(header)}.{b64(payload)}.")


async def test_algorithm_confusion_with_the_public_key_as_hmac_secret_is_refused(
    key: SigningKey, verifier: TokenVerifier
) -> None:
    public_pem = key.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    payload = jwt.decode(mint(key), options={"verify_signature": False})
    signing_input = f"{b64({'alg': 'HS256', 'typ': 'JWT', 'kid': key.kid})}.{b64(payload)}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    await refused(verifier, f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}")


async def test_a_tampered_payload_is_refused(key: SigningKey, verifier: TokenVerifier) -> None:
    header, payload, signature = mint(key).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["role"] = "admin"
    await refused(verifier, f"{header}.{b64(claims)}.{signature}")


async def test_an_unknown_role_is_refused(key: SigningKey, verifier: TokenVerifier) -> None:
    token = key.mint(
        subject="x", role=Role.CUSTOMER, issuer=ISSUER, audience=AUDIENCE, extra_claims={"role": "root"}
    )
    assert "role" in await refused(verifier, token)


async def test_rs256_keys_are_accepted_too() -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    verifier = TokenVerifier(
        KeySet.from_jwks({"keys": [{**jwk, "kid": "rsa-1", "alg": "RS256"}]}),
        issuer=ISSUER,
        audience=AUDIENCE,
    )
    now = int(time.time())
    token = jwt.encode(
        {"sub": "u", "role": "admin", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 60},
        private,
        algorithm="RS256",
        headers={"kid": "rsa-1"},
    )
    assert (await verifier.verify(token)).role is Role.ADMIN


async def test_no_header_is_anonymous(verifier: TokenVerifier) -> None:
    assert await verifier.caller_from_header(None) == ANONYMOUS


async def test_a_header_without_bearer_is_rejected(verifier: TokenVerifier) -> None:
    assert isinstance(await verifier.caller_from_header("Basic dXNlcjpwYXNz"), RejectedCredential)


def test_require_role_tells_unauthenticated_from_forbidden() -> None:
    with pytest.raises(UnauthenticatedError):
        require_role(ANONYMOUS, Role.ADMIN)
    with pytest.raises(UnauthenticatedError):
        require_role(RejectedCredential("expired"), Role.ADMIN)
    with pytest.raises(ForbiddenError):
        require_role(Principal(subject="u", role=Role.CUSTOMER), Role.ADMIN)
    assert require_role(Principal(subject="a", role=Role.ADMIN), Role.ADMIN).subject == "a"


# ---------------------------------------------------------------- the tables the router's gate shares


@pytest.fixture(scope="module")
def token_issuer() -> TokenIssuer:
    return TokenIssuer()


@pytest.fixture(scope="module")
async def remote_verifier(token_issuer: TokenIssuer) -> AsyncIterator[TokenVerifier]:
    """Keys from the issuer's JWKS URL, as the subgraphs fetch them in production."""
    async with published(token_issuer) as jwks_url:
        keys = RemoteKeySet(jwks_url)
        yield TokenVerifier(keys, issuer=ISSUER, audience=AUDIENCE)
        await keys.aclose()


async def accepts(verifier: TokenVerifier, token: str) -> bool:
    try:
        await verifier.verify(token)
    except UnauthenticatedError:
        return False
    return True


@pytest.mark.parametrize("case", TOKEN_CASES, ids=lambda case: case.name)
async def test_the_verifier_decides_as_the_token_table_says(
    remote_verifier: TokenVerifier, token_issuer: TokenIssuer, case: TokenCase
) -> None:
    assert await accepts(remote_verifier, case.mint(token_issuer)) is case.accepted


@asynccontextmanager
async def verifier_on(jwks_url: str, min_refresh_seconds: float) -> AsyncIterator[Accepts]:
    keys = RemoteKeySet(jwks_url, ttl_seconds=300, min_refresh_seconds=min_refresh_seconds)
    verifier = TokenVerifier(keys, issuer=ISSUER, audience=AUDIENCE)
    try:
        yield lambda token: accepts(verifier, token)
    finally:
        await keys.aclose()


@pytest.mark.parametrize("scenario", REFRESH_SCENARIOS, ids=lambda scenario: scenario.name)
async def test_remote_keys_are_kept_as_the_refresh_scenarios_say(scenario: RefreshScenario) -> None:
    async with stand_in_issuer() as (issuer, jwks_url):
        await scenario.run(issuer, jwks_url, verifier_on)
