"""Fixtures shared by the router tests: a JWKS endpoint over real HTTP serving the session's signing key,
for tests where the router verifies access tokens."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI

from subgraphs.common.signing import SigningKey
from tests.support.servers import serve


@pytest.fixture
async def issuer_url(signing_key: SigningKey) -> AsyncIterator[str]:
    """The base URL of an issuer whose `/jwks.json` lists `signing_key`."""
    issuer = FastAPI()

    @issuer.get("/jwks.json")
    async def jwks() -> dict[str, object]:
        return {"keys": [signing_key.public_jwk()]}

    async with serve(issuer) as url:
        yield url
