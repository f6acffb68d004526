"""The token policy every subgraph holds tokens to: each key grants only its own roles (a service's key
`service`, the users subgraph's `customer` and `admin`), a token carries a known role, and it lives no
longer than the configured maximum."""

from __future__ import annotations

import time

import jwt
import pytest

from subgraphs.common.auth import KeySet, Role, TokenVerifier
from subgraphs.common.errors import UnauthenticatedError
from subgraphs.common.signing import ALGORITHM, SigningKey

ISSUER, AUDIENCE = "gocart-users", "gocart"
MAX_LIFETIME = 960


@pytest.fixture(scope="module")
def users_key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture(scope="module")
def orders_key() -> SigningKey:
    return SigningKey.generate()


class CountingKeys:
    """The users subgraph's keys, counting the lookups (each would be a JWKS fetch for an unknown kid)."""

    def __init__(self, key: SigningKey) -> None:
        self._keys = KeySet.from_jwks(key.jwks())
        self.lookups = 0

    async def get(self, kid: str) -> jwt.PyJWK | None:
        self.lookups += 1
        return await self._keys.get(kid)

    async def aclose(self) -> None:
        return None


@pytest.fixture
def users_keys(users_key: SigningKey) -> CountingKeys:
    return CountingKeys(users_key)


@pytest.fixture
def verifier(users_keys: CountingKeys, orders_key: SigningKey) -> TokenVerifier:
    return TokenVerifier(
        users_keys,
        service_keys=KeySet.from_jwks(orders_key.jwks()),
        issuer=ISSUER,
        audience=AUDIENCE,
        max_lifetime_seconds=MAX_LIFETIME,
    )


def mint(key: SigningKey, role: Role, ttl_seconds: int = 300) -> str:
    return key.mint(subject="s1", role=role, issuer=ISSUER, audience=AUDIENCE, ttl_seconds=ttl_seconds)


def mint_claims(key: SigningKey, **claims: object) -> str:
    now = int(time.time())
    payload = {"sub": "s1", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 300, **claims}
    return jwt.encode(payload, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid})


async def refusal(verifier: TokenVerifier, token: str) -> str:
    with pytest.raises(UnauthenticatedError) as raised:
        await verifier.verify(token)
    return raised.value.message


@pytest.mark.parametrize("role", [Role.ADMIN, Role.CUSTOMER])
async def test_a_service_key_cannot_mint_a_persons_token(
    verifier: TokenVerifier, orders_key: SigningKey, role: Role
) -> None:
    assert "role its key may not grant" in await refusal(verifier, mint(orders_key, role))


async def test_a_service_key_mints_service_tokens(verifier: TokenVerifier, orders_key: SigningKey) -> None:
    principal = await verifier.verify(mint(orders_key, Role.SERVICE))
    assert (principal.subject, principal.role) == ("s1", Role.SERVICE)


async def test_the_users_key_cannot_mint_a_service_token(
    verifier: TokenVerifier, users_key: SigningKey
) -> None:
    assert "role its key may not grant" in await refusal(verifier, mint(users_key, Role.SERVICE))


@pytest.mark.parametrize("role", [Role.ADMIN, Role.CUSTOMER])
async def test_the_users_key_mints_persons_tokens(
    verifier: TokenVerifier, users_key: SigningKey, role: Role
) -> None:
    assert (await verifier.verify(mint(users_key, role))).role is role


async def test_a_service_token_is_verified_without_looking_at_the_users_keys(
    verifier: TokenVerifier, users_keys: CountingKeys, orders_key: SigningKey
) -> None:
    for _ in range(3):
        await verifier.verify(mint(orders_key, Role.SERVICE))
    assert users_keys.lookups == 0


async def test_a_token_without_a_role_is_refused(verifier: TokenVerifier, users_key: SigningKey) -> None:
    await refusal(verifier, mint_claims(users_key))


@pytest.mark.parametrize("role", ["superuser", "", ["admin"], 1])
async def test_a_token_with_an_unknown_role_is_refused(
    verifier: TokenVerifier, users_key: SigningKey, role: object
) -> None:
    assert "unknown role" in await refusal(verifier, mint_claims(users_key, role=role))


async def test_a_token_living_longer_than_the_maximum_is_refused(
    verifier: TokenVerifier, users_key: SigningKey
) -> None:
    token = mint(users_key, Role.ADMIN, ttl_seconds=MAX_LIFETIME + 1)
    assert "lives longer" in await refusal(verifier, token)


async def test_a_token_living_the_maximum_is_accepted(verifier: TokenVerifier, users_key: SigningKey) -> None:
    assert (await verifier.verify(mint(users_key, Role.ADMIN, ttl_seconds=MAX_LIFETIME))).role is Role.ADMIN


async def test_a_long_lived_service_token_is_refused(verifier: TokenVerifier, orders_key: SigningKey) -> None:
    token = mint(orders_key, Role.SERVICE, ttl_seconds=24 * 3600)
    assert "lives longer" in await refusal(verifier, token)


async def test_a_token_claiming_a_service_kid_but_signed_by_another_key_is_refused(
    verifier: TokenVerifier, orders_key: SigningKey, users_key: SigningKey
) -> None:
    forged = SigningKey(kid=orders_key.kid, private_key=users_key.private_key)
    assert "invalid" in await refusal(verifier, mint(forged, Role.SERVICE))
