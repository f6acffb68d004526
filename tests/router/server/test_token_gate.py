"""With the users subgraph's JWKS configured, the router refuses a bad access token itself (401,
UNAUTHENTICATED) and never calls a subgraph for it; good tokens and anonymous requests pass."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import jwt
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from router.config import RouterSettings
from router.server import create_app
from subgraphs.common.auth import Role
from subgraphs.common.signing import SigningKey
from tests.support.servers import serve

ISSUER, AUDIENCE = "gocart-users", "gocart"
QUERY = {"query": "{ __typename }"}


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
async def gated(
    supergraph_file: Path, subgraph_urls: dict[str, str], key: SigningKey
) -> AsyncIterator[httpx.AsyncClient]:
    issuer = FastAPI()

    @issuer.get("/jwks.json")
    async def jwks() -> dict[str, object]:
        return {"keys": [key.public_jwk()]}

    async with serve(issuer) as issuer_url:
        settings = RouterSettings(
            supergraph=supergraph_file,
            subgraph_urls=subgraph_urls,
            jwt_jwks_url=f"{issuer_url}/jwks.json",
            jwt_issuer=ISSUER,
            jwt_audience=AUDIENCE,
        )
        app = create_app(settings)
        async with LifespanManager(app) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://router") as client:
                yield client


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def test_a_good_token_passes(gated: httpx.AsyncClient, key: SigningKey) -> None:
    token = key.mint(subject="u1", role=Role.CUSTOMER, issuer=ISSUER, audience=AUDIENCE)
    response = await gated.post("/graphql", json=QUERY, headers=bearer(token))
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_no_token_passes_as_anonymous(gated: httpx.AsyncClient) -> None:
    response = await gated.post("/graphql", json=QUERY)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("not-a-jwt", id="malformed"),
        pytest.param(
            SigningKey.generate().mint(subject="u1", role=Role.ADMIN, issuer=ISSUER, audience=AUDIENCE),
            id="unknown key",
        ),
    ],
)
async def test_a_bad_token_is_refused_at_the_router(gated: httpx.AsyncClient, token: str) -> None:
    response = await gated.post("/graphql", json=QUERY, headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_an_expired_or_foreign_token_is_refused(gated: httpx.AsyncClient, key: SigningKey) -> None:
    past = int(time.time()) - 3600
    expired = key.mint(
        subject="u1",
        role=Role.CUSTOMER,
        issuer=ISSUER,
        audience=AUDIENCE,
        extra_claims={"exp": past, "iat": past - 60, "nbf": past - 60},
    )
    foreign = key.mint(subject="u1", role=Role.CUSTOMER, issuer=ISSUER, audience="another-api")
    none_alg = jwt.encode(
        {"sub": "u1", "iss": ISSUER, "aud": AUDIENCE}, key="", algorithm="none", headers={"kid": key.kid}
    )

    codes = [
        (await gated.post("/graphql", json=QUERY, headers=bearer(token))).status_code
        for token in (expired, foreign, none_alg)
    ]

    assert codes == [401, 401, 401]
