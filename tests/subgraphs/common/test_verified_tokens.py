"""A verifier checks a token's signature once per process, and still checks revocation every time,
refuses it once expired, and stops trusting it when its key is no longer the trusted one."""

from __future__ import annotations

import uuid

import jwt
import pytest
from redis.asyncio import Redis

from subgraphs.common import auth
from subgraphs.common.auth import Principal, Role, TokenVerifier, VerifiedToken, VerifiedTokens
from subgraphs.common.errors import UnauthenticatedError
from subgraphs.common.revocations import RevocationList
from subgraphs.common.signing import SigningKey
from tests.support.jwt_calls import record_calls
from tests.support.tokens import AUDIENCE, ISSUER


class MutableKeys:
    """A key source whose keys a test can take away (a key rotated out of the JWKS)."""

    def __init__(self, key: SigningKey) -> None:
        self.keys = dict(auth.parse_jwks(key.jwks()))

    async def get(self, kid: str) -> jwt.PyJWK | None:
        return self.keys.get(kid)

    async def aclose(self) -> None:
        return None


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey.generate()


def mint(key: SigningKey) -> str:
    return key.mint(
        subject="user-1",
        role=Role.CUSTOMER,
        issuer=ISSUER,
        audience=AUDIENCE,
        extra_claims={"sid": uuid.uuid4().hex},
    )


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every token whose signature is checked (jwt.decode), in order."""
    return record_calls(monkeypatch, "decode")


@pytest.fixture
async def revocations(redis: Redis, cache_namespace: str) -> RevocationList:
    revocations = RevocationList(redis, namespace=f"{cache_namespace}:{uuid.uuid4().hex[:6]}")
    await revocations.finish_rebuild(await revocations.begin_rebuild(), sessions={})
    return revocations


async def test_a_token_seen_again_is_not_checked_again(key: SigningKey, decodes: list[str]) -> None:
    verifier = TokenVerifier(MutableKeys(key), issuer=ISSUER, audience=AUDIENCE)
    token = mint(key)
    first = await verifier.verify(token)
    second = await verifier.verify(token)
    assert (second, decodes) == (first, [token])


async def test_a_verified_token_is_refused_once_its_session_is_revoked(
    key: SigningKey, revocations: RevocationList
) -> None:
    verifier = TokenVerifier(MutableKeys(key), issuer=ISSUER, audience=AUDIENCE, revocations=revocations)
    token = mint(key)
    principal = await verifier.verify(token)
    assert principal.session_id is not None
    await revocations.revoke_session(principal.session_id, ttl_seconds=60)
    with pytest.raises(UnauthenticatedError, match="revoked"):
        await verifier.verify(token)


async def test_a_verified_token_is_refused_once_its_key_is_no_longer_trusted(key: SigningKey) -> None:
    keys = MutableKeys(key)
    verifier = TokenVerifier(keys, issuer=ISSUER, audience=AUDIENCE)
    token = mint(key)
    await verifier.verify(token)
    keys.keys.clear()
    with pytest.raises(UnauthenticatedError, match="trusted key"):
        await verifier.verify(token)


async def test_a_token_whose_key_was_reloaded_is_checked_again(key: SigningKey, decodes: list[str]) -> None:
    keys = MutableKeys(key)
    verifier = TokenVerifier(keys, issuer=ISSUER, audience=AUDIENCE)
    token = mint(key)
    await verifier.verify(token)
    keys.keys = dict(auth.parse_jwks(key.jwks()))  # the same key, fetched again
    await verifier.verify(token)
    assert decodes == [token, token]


def test_an_expired_entry_is_forgotten(key: SigningKey) -> None:
    now = [1_000.0]
    verified = VerifiedTokens(max_entries=10, clock=lambda: now[0])
    trusted = next(iter(auth.parse_jwks(key.jwks()).values()))
    principal = Principal(subject="user-1", role=Role.CUSTOMER, expires_at=1_060)
    verified.put("token", VerifiedToken(kid=key.kid, key=trusted, principal=principal))
    now[0] = 1_060.0
    assert verified.get("token") is None


def test_the_oldest_entry_goes_first_when_full(key: SigningKey) -> None:
    verified = VerifiedTokens(max_entries=2, clock=lambda: 0.0)
    trusted = next(iter(auth.parse_jwks(key.jwks()).values()))
    principal = Principal(subject="user-1", role=Role.CUSTOMER, expires_at=60)
    for token in ("first", "second", "third"):
        verified.put(token, VerifiedToken(kid=key.kid, key=trusted, principal=principal))
    kept = [token for token in ("first", "second", "third") if verified.get(token) is not None]
    assert kept == ["second", "third"]


async def test_a_token_seen_again_is_not_parsed_again(
    key: SigningKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    verifier = TokenVerifier(MutableKeys(key), issuer=ISSUER, audience=AUDIENCE)
    token = mint(key)
    parsed = record_calls(monkeypatch, "get_unverified_header")

    await verifier.verify(token)
    await verifier.verify(token)

    assert parsed == [token]
