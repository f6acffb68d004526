"""With the users subgraph's JWKS configured, the router refuses a bad access token itself (401,
UNAUTHENTICATED) and never calls a subgraph for it; good tokens and anonymous requests pass. It holds
tokens to the token policy (an accepted role, a bounded lifetime) and follows a key rotation."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

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


# ---------------------------------------------------------------- the token policy, and rotated keys


class RotatingIssuer:
    """A JWKS endpoint publishing the previous, current and next keys, counting its fetches."""

    def __init__(self) -> None:
        self.previous, self.current, self.next = (SigningKey.generate() for _ in range(3))
        self.fetches = 0
        self.answer_delay = 0.0  # keeps a fetch in flight while other requests arrive
        self.app = FastAPI()

        @self.app.get("/jwks.json")
        async def jwks() -> dict[str, object]:
            self.fetches += 1
            await asyncio.sleep(self.answer_delay)
            return {"keys": [key.public_jwk() for key in (self.current, self.next, self.previous)]}


@pytest.fixture
async def rotating_issuer() -> AsyncIterator[tuple[RotatingIssuer, str]]:
    issuer = RotatingIssuer()
    async with serve(issuer.app) as url:
        yield issuer, f"{url}/jwks.json"


@pytest.fixture
def gate_for(
    supergraph_file: Path, subgraph_urls: dict[str, str], rotating_issuer: tuple[RotatingIssuer, str]
) -> Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]:
    """A router verifying tokens against the rotating issuer, with settings overridden."""

    @asynccontextmanager
    async def gated_router(**overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        settings = RouterSettings(
            supergraph=supergraph_file,
            subgraph_urls=subgraph_urls,
            jwt_jwks_url=rotating_issuer[1],
            jwt_issuer=ISSUER,
            jwt_audience=AUDIENCE,
            **overrides,
        )
        app = create_app(settings)
        async with LifespanManager(app) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://router") as client:
                yield client

    return gated_router


def claims_token(key: SigningKey, **claims: object) -> str:
    now = int(time.time())
    payload = {"sub": "u1", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 300, **claims}
    return jwt.encode(payload, key.private_key, algorithm="EdDSA", headers={"kid": key.kid})


async def status_and_code(client: httpx.AsyncClient, token: str) -> tuple[int, str | None]:
    response = await client.post("/graphql", json=QUERY, headers=bearer(token))
    errors = response.json().get("errors") or [{}]
    return response.status_code, errors[0].get("extensions", {}).get("code")


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"role": "superuser"}, id="unknown role"),
        pytest.param({"role": ["admin"]}, id="a list"),
        pytest.param({}, id="no role"),
        pytest.param({"role": "service"}, id="a service token"),
    ],
)
async def test_a_token_without_an_accepted_role_is_refused_at_the_router(
    gate_for: Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]],
    rotating_issuer: tuple[RotatingIssuer, str],
    claims: dict[str, object],
) -> None:
    async with gate_for() as router:
        outcome = await status_and_code(router, claims_token(rotating_issuer[0].current, **claims))
    assert outcome == (401, "UNAUTHENTICATED")


async def test_a_token_living_longer_than_the_maximum_is_refused_at_the_router(
    gate_for: Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]],
    rotating_issuer: tuple[RotatingIssuer, str],
) -> None:
    key = rotating_issuer[0].current
    within = key.mint(subject="u1", role=Role.ADMIN, issuer=ISSUER, audience=AUDIENCE, ttl_seconds=960)
    beyond = key.mint(subject="u1", role=Role.ADMIN, issuer=ISSUER, audience=AUDIENCE, ttl_seconds=961)
    async with gate_for() as router:
        outcomes = [await status_and_code(router, token) for token in (within, beyond)]
    assert outcomes == [(200, None), (401, "UNAUTHENTICATED")]


async def test_the_maximum_lifetime_is_a_setting(
    gate_for: Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]],
    rotating_issuer: tuple[RotatingIssuer, str],
) -> None:
    key = rotating_issuer[0].current
    all_day = key.mint(subject="u1", role=Role.ADMIN, issuer=ISSUER, audience=AUDIENCE, ttl_seconds=12 * 3600)
    async with gate_for(jwt_max_token_lifetime_seconds=12 * 3600) as router:
        assert await status_and_code(router, all_day) == (200, None)


async def test_tokens_of_the_previous_current_and_next_keys_pass_with_one_fetch(
    gate_for: Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]],
    rotating_issuer: tuple[RotatingIssuer, str],
) -> None:
    issuer = rotating_issuer[0]
    tokens = [
        key.mint(subject="u1", role=Role.CUSTOMER, issuer=ISSUER, audience=AUDIENCE)
        for key in (issuer.current, issuer.previous, issuer.next)
    ]
    async with gate_for() as router:
        outcomes = [await status_and_code(router, token) for token in tokens]
    assert outcomes == [(200, None)] * 3
    assert issuer.fetches == 1


async def test_requests_arriving_during_the_first_fetch_wait_for_it(
    gate_for: Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]],
    rotating_issuer: tuple[RotatingIssuer, str],
) -> None:
    issuer = rotating_issuer[0]
    issuer.answer_delay = 0.3
    token = issuer.current.mint(subject="u1", role=Role.CUSTOMER, issuer=ISSUER, audience=AUDIENCE)
    async with gate_for() as router:
        outcomes = await asyncio.gather(*(status_and_code(router, token) for _ in range(5)))
    assert outcomes == [(200, None)] * 5
    assert issuer.fetches == 1
