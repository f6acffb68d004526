"""The router's token gate on the shared table of tokens (tests/support/token_cases.py) and the shared
JWKS refresh scenarios (tests/support/jwks_refresh.py), which the subgraphs' verifier is run on too."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest

from router.auth import TokenGate
from router.errors import Unauthenticated
from tests.support.jwks_refresh import REFRESH_SCENARIOS, Accepts, RefreshScenario, stand_in_issuer
from tests.support.jwt_calls import record_calls
from tests.support.token_cases import AUDIENCE, ISSUER, TOKEN_CASES, TokenCase, TokenIssuer, published


@pytest.fixture(scope="module")
def token_issuer() -> TokenIssuer:
    return TokenIssuer()


@pytest.fixture(scope="module")
async def gate(token_issuer: TokenIssuer) -> AsyncIterator[TokenGate]:
    async with published(token_issuer) as jwks_url, aiohttp.ClientSession() as session:
        yield TokenGate(session, jwks_url=jwks_url, issuer=ISSUER, audience=AUDIENCE)


async def accepts(gate: TokenGate, token: str) -> bool:
    try:
        await gate.subject(f"Bearer {token}")
    except Unauthenticated:
        return False
    return True


@pytest.mark.parametrize("case", TOKEN_CASES, ids=lambda case: case.name)
async def test_the_gate_decides_as_the_token_table_says(
    gate: TokenGate, token_issuer: TokenIssuer, case: TokenCase
) -> None:
    assert await accepts(gate, case.mint(token_issuer)) is case.accepted


@asynccontextmanager
async def gate_on(jwks_url: str, min_refresh_seconds: float) -> AsyncIterator[Accepts]:
    async with aiohttp.ClientSession() as session:
        gate = TokenGate(
            session,
            jwks_url=jwks_url,
            issuer=ISSUER,
            audience=AUDIENCE,
            ttl_seconds=300,
            min_refresh_seconds=min_refresh_seconds,
        )
        yield lambda token: accepts(gate, token)


@pytest.mark.parametrize("scenario", REFRESH_SCENARIOS, ids=lambda scenario: scenario.name)
async def test_the_gate_keeps_the_jwks_as_the_refresh_scenarios_say(scenario: RefreshScenario) -> None:
    async with stand_in_issuer() as (issuer, jwks_url):
        await scenario.run(issuer, jwks_url, gate_on)


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every token whose signature the gate checks (jwt.decode), in order."""
    return record_calls(monkeypatch, "decode")


async def test_a_token_seen_again_is_not_verified_again(
    gate: TokenGate, token_issuer: TokenIssuer, decoded: list[str]
) -> None:
    token = token_issuer.eddsa(token_issuer.claims(sub="seen-twice"))

    subjects = [await gate.subject(f"Bearer {token}"), await gate.subject(f"Bearer {token}")]

    assert (subjects, decoded) == (["seen-twice", "seen-twice"], [token])


async def test_a_remembered_token_is_verified_afresh_once_past_its_expiry(
    gate: TokenGate, token_issuer: TokenIssuer, decoded: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past `exp` the memory no longer answers; the full check (and its leeway) decides again."""
    token = token_issuer.eddsa(token_issuer.claims(sub="expiring"))
    await gate.subject(f"Bearer {token}")
    later = time.time() + 3600
    monkeypatch.setattr(time, "time", lambda: later)

    await gate.subject(f"Bearer {token}")  # PyJWT's own clock still says valid

    assert decoded == [token, token]
