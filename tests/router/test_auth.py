"""The router's token gate on the shared table of tokens (tests/support/token_cases.py), which the
subgraphs' verifier is run on too: what one accepts, the other accepts."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from router.auth import TokenGate
from router.errors import Unauthenticated
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
