"""Keys fetched from an issuer's JWKS URL: cached, refetched on rotation, kept through an outage, and
fetched once for requests that arrive together."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import FastAPI

from subgraphs.common.auth import RemoteKeySet, Role, TokenVerifier
from subgraphs.common.errors import UnauthenticatedError
from subgraphs.common.signing import SigningKey
from tests.support.servers import serve

ISSUER, AUDIENCE = "gocart-users", "gocart"


class Issuer:
    """A stand-in JWKS endpoint whose keys the test rotates, counting how often it is asked."""

    def __init__(self) -> None:
        self.keys = [SigningKey.generate()]
        self.requests = 0
        self.up = True
        self.answer_delay = 0.0  # keeps a fetch in flight while other requests arrive
        self.app = FastAPI()

        @self.app.get("/jwks.json")
        async def jwks() -> dict[str, Any]:
            self.requests += 1
            await asyncio.sleep(self.answer_delay)
            if not self.up:
                raise RuntimeError("issuer down")
            return {"keys": [key.public_jwk() for key in self.keys]}

    def token(self, key: SigningKey) -> str:
        return key.mint(subject="u1", role=Role.CUSTOMER, issuer=ISSUER, audience=AUDIENCE)


@pytest.fixture
async def issuer() -> AsyncIterator[tuple[Issuer, str]]:
    stand_in = Issuer()
    async with serve(stand_in.app) as url:
        yield stand_in, f"{url}/jwks.json"


@pytest.fixture
async def verifier(issuer: tuple[Issuer, str]) -> AsyncIterator[TokenVerifier]:
    keys = RemoteKeySet(issuer[1], ttl_seconds=300, min_refresh_seconds=0)
    yield TokenVerifier(keys, issuer=ISSUER, audience=AUDIENCE)
    await keys.aclose()


async def test_keys_are_fetched_once_and_cached(issuer: tuple[Issuer, str], verifier: TokenVerifier) -> None:
    stand_in, _ = issuer
    for _ in range(3):
        assert (await verifier.verify(stand_in.token(stand_in.keys[0]))).subject == "u1"
    assert stand_in.requests == 1


async def test_a_rotated_key_is_fetched_when_a_token_names_it(
    issuer: tuple[Issuer, str], verifier: TokenVerifier
) -> None:
    stand_in, _ = issuer
    await verifier.verify(stand_in.token(stand_in.keys[0]))
    rotated = SigningKey.generate()
    stand_in.keys.append(rotated)

    assert (await verifier.verify(stand_in.token(rotated))).subject == "u1"
    assert stand_in.requests == 2


async def test_known_keys_keep_working_while_the_issuer_is_down(
    issuer: tuple[Issuer, str], verifier: TokenVerifier
) -> None:
    stand_in, _ = issuer
    await verifier.verify(stand_in.token(stand_in.keys[0]))
    stand_in.up = False

    assert (await verifier.verify(stand_in.token(stand_in.keys[0]))).subject == "u1"
    with pytest.raises(UnauthenticatedError):
        await verifier.verify(stand_in.token(SigningKey.generate()))


async def test_unknown_kids_are_refetched_at_most_once_per_pause(issuer: tuple[Issuer, str]) -> None:
    stand_in, url = issuer
    keys = RemoteKeySet(url, ttl_seconds=300, min_refresh_seconds=60)
    verifier = TokenVerifier(keys, issuer=ISSUER, audience=AUDIENCE)
    try:
        await verifier.verify(stand_in.token(stand_in.keys[0]))
        for _ in range(5):
            with pytest.raises(UnauthenticatedError):
                await verifier.verify(stand_in.token(SigningKey.generate()))
    finally:
        await keys.aclose()
    assert stand_in.requests == 1


async def test_requests_arriving_during_the_first_fetch_wait_for_it(
    issuer: tuple[Issuer, str], verifier: TokenVerifier
) -> None:
    stand_in, _ = issuer
    stand_in.answer_delay = 0.3
    token = stand_in.token(stand_in.keys[0])

    principals = await asyncio.gather(*(verifier.verify(token) for _ in range(5)))

    assert [principal.subject for principal in principals] == ["u1"] * 5
    assert stand_in.requests == 1


async def test_a_token_of_a_rotated_key_arriving_during_its_fetch_waits_for_it(
    issuer: tuple[Issuer, str], verifier: TokenVerifier
) -> None:
    stand_in, _ = issuer
    await verifier.verify(stand_in.token(stand_in.keys[0]))
    rotated = SigningKey.generate()
    stand_in.keys.append(rotated)
    stand_in.answer_delay = 0.3

    principals = await asyncio.gather(*(verifier.verify(stand_in.token(rotated)) for _ in range(3)))

    assert [principal.subject for principal in principals] == ["u1"] * 3
    assert stand_in.requests == 2
