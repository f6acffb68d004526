"""The router's token gate on the shared table of tokens (tests/support/token_cases.py) and the shared
JWKS refresh scenarios (tests/support/jwks_refresh.py), which the subgraphs' verifier is run on too."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest

from router.auth import TokenGate
from router.errors import Unauthenticated
from tests.support.jwks_refresh import REFRESH_SCENARIOS, Accepts, RefreshScenario, stand_in_issuer
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
