"""How a verifier keeps the issuer's JWKS, as scenarios both verifiers are run on: the router's gate
(`router/auth.py`) and the subgraphs' `RemoteKeySet` (`subgraphs/common/auth.py`) each hold their own
copy of the fetching logic, so each must behave as every scenario here says.

A scenario gets a stand-in issuer and a way to build a verifier on its JWKS URL (`min_refresh_seconds`
chosen by the scenario, a TTL of five minutes); the verifier answers whether it accepts a token.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from subgraphs.common.auth import Role
from subgraphs.common.signing import SigningKey
from tests.support.servers import serve
from tests.support.token_cases import AUDIENCE, ISSUER

Accepts = Callable[[str], Awaitable[bool]]
# A verifier on a JWKS URL, refetching unknown kids at most once per `min_refresh_seconds`.
VerifierOn = Callable[[str, float], AbstractAsyncContextManager[Accepts]]


class StandInIssuer:
    """A JWKS endpoint whose keys a scenario rotates, counting how often it is asked."""

    def __init__(self) -> None:
        self.keys = [SigningKey.generate()]
        self.requests = 0
        self.up = True
        self.answer_delay = 0.0  # keeps a fetch in flight while other requests arrive
        self.garbled: Any = None  # when set, answered (as JSON) instead of the key set
        self.app = FastAPI()

        @self.app.get("/jwks.json")
        async def jwks() -> Any:
            self.requests += 1
            await asyncio.sleep(self.answer_delay)
            if not self.up:
                raise RuntimeError("issuer down")
            if self.garbled is not None:
                return self.garbled
            return {"keys": [key.public_jwk() for key in self.keys]}

    def token(self, key: SigningKey) -> str:
        return key.mint(subject="u1", role=Role.CUSTOMER, issuer=ISSUER, audience=AUDIENCE)


@asynccontextmanager
async def stand_in_issuer() -> AsyncIterator[tuple[StandInIssuer, str]]:
    """A stand-in issuer while it serves, and its JWKS URL."""
    issuer = StandInIssuer()
    async with serve(issuer.app) as url:
        yield issuer, f"{url}/jwks.json"


async def keys_are_fetched_once_and_cached(issuer: StandInIssuer, url: str, verifier_on: VerifierOn) -> None:
    async with verifier_on(url, 0) as accepts:
        outcomes = [await accepts(issuer.token(issuer.keys[0])) for _ in range(3)]
    assert (outcomes, issuer.requests) == ([True] * 3, 1)


async def a_rotated_key_is_fetched_when_a_token_names_it(
    issuer: StandInIssuer, url: str, verifier_on: VerifierOn
) -> None:
    async with verifier_on(url, 0) as accepts:
        await accepts(issuer.token(issuer.keys[0]))
        rotated = SigningKey.generate()
        issuer.keys.append(rotated)
        accepted = await accepts(issuer.token(rotated))
    assert (accepted, issuer.requests) == (True, 2)


async def known_keys_keep_working_while_the_issuer_is_down(
    issuer: StandInIssuer, url: str, verifier_on: VerifierOn
) -> None:
    async with verifier_on(url, 0) as accepts:
        await accepts(issuer.token(issuer.keys[0]))
        issuer.up = False
        known = await accepts(issuer.token(issuer.keys[0]))
        unknown = await accepts(issuer.token(SigningKey.generate()))
    assert (known, unknown) == (True, False)


async def unknown_kids_are_refetched_at_most_once_per_pause(
    issuer: StandInIssuer, url: str, verifier_on: VerifierOn
) -> None:
    async with verifier_on(url, 60) as accepts:
        await accepts(issuer.token(issuer.keys[0]))
        outcomes = [await accepts(issuer.token(SigningKey.generate())) for _ in range(5)]
    assert (outcomes, issuer.requests) == ([False] * 5, 1)


async def requests_arriving_during_the_first_fetch_wait_for_it(
    issuer: StandInIssuer, url: str, verifier_on: VerifierOn
) -> None:
    issuer.answer_delay = 0.3
    token = issuer.token(issuer.keys[0])
    async with verifier_on(url, 0) as accepts:
        outcomes = await asyncio.gather(*(accepts(token) for _ in range(5)))
    assert (outcomes, issuer.requests) == ([True] * 5, 1)


async def an_answer_that_is_not_a_key_set_keeps_the_known_keys(
    issuer: StandInIssuer, url: str, verifier_on: VerifierOn
) -> None:
    async with verifier_on(url, 0) as accepts:
        await accepts(issuer.token(issuer.keys[0]))
        outcomes = []
        for garbled in (["a", "list"], "text", {"keys": "none"}):
            issuer.garbled = garbled
            outcomes.append(await accepts(issuer.token(SigningKey.generate())))  # makes it refetch
            outcomes.append(await accepts(issuer.token(issuer.keys[0])))
    assert outcomes == [False, True] * 3


@dataclass(frozen=True)
class RefreshScenario:
    name: str
    run: Callable[[StandInIssuer, str, VerifierOn], Awaitable[None]]


REFRESH_SCENARIOS = [
    RefreshScenario("keys are fetched once and cached", keys_are_fetched_once_and_cached),
    RefreshScenario(
        "a rotated key is fetched when a token names it", a_rotated_key_is_fetched_when_a_token_names_it
    ),
    RefreshScenario(
        "known keys keep working while the issuer is down", known_keys_keep_working_while_the_issuer_is_down
    ),
    RefreshScenario(
        "unknown kids are refetched at most once per pause", unknown_kids_are_refetched_at_most_once_per_pause
    ),
    RefreshScenario(
        "requests during the first fetch wait for it", requests_arriving_during_the_first_fetch_wait_for_it
    ),
    RefreshScenario(
        "an answer that is not a key set keeps the known keys",
        an_answer_that_is_not_a_key_set_keeps_the_known_keys,
    ),
]
