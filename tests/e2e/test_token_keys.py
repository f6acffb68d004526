"""Keys and identities against real processes, on a stack and key folder of this module's own.

- The users subgraph's keys rotate under traffic and no request is refused: tokens of the previous key
  keep verifying at the router and every subgraph, new sign-ins get the new key at once.
- The orders subgraph signs its service tokens with its own key, and that key cannot mint a person's
  token that the router or any subgraph accepts.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
import pytest

from gocart.keys import Rotation
from subgraphs.common.auth import Role
from subgraphs.common.signing import SigningKey
from subgraphs.users.main import JWKS_PATH
from testbed.database import scratch_database
from tests.e2e.storefront import REGISTER, Session, Storefront
from tests.subgraphs.users.builders import PASSWORD
from tests.support.graphql import GraphQLClient, GraphQLResponse
from tests.support.services import ServiceUrls
from tests.support.stack import AUDIENCE, ISSUER, Stack, running_stack

ME = "{ me { id orders { edges { node { id } } } } }"
STOCK = "query($id: ID!) { product(id: $id) { id stock { onHand } } }"
CREATE_CATEGORY = 'mutation { createCategory(input: {name: "Forged"}) { id } }'
ROUNDS_BEFORE, ROUNDS_AFTER, MAX_ROUNDS_TO_SWITCH = 3, 3, 60


@pytest.fixture(scope="module")
async def keyed_stack(services: ServiceUrls) -> AsyncIterator[Stack]:
    """A stack whose users subgraph looks at its key files twice a second (a rotation shows at once)."""
    async with scratch_database(services.database_url) as database_url:
        with running_stack(
            database_url=database_url,
            redis_url=services.redis_url,
            namespace=f"gocart-keys-{uuid.uuid4().hex[:8]}",
            key=SigningKey.generate(),
            key_reload_seconds=0.5,
        ) as running:
            yield running


@pytest.fixture
async def router(keyed_stack: Stack) -> AsyncIterator[GraphQLClient]:
    async with httpx.AsyncClient(base_url=keyed_stack.urls["router"], timeout=30) as client:
        yield GraphQLClient(client)


def kid(token: str) -> str:
    return str(jwt.get_unverified_header(token)["kid"])


@dataclass
class Traffic:
    """Rounds of concurrent requests with tokens old and new, keeping every refusal."""

    shop: Storefront
    email: str
    customer: Session
    admin: Session
    product: dict[str, Any]
    refusals: list[str] = field(default_factory=list)
    sign_in_kids: list[str] = field(default_factory=list)
    answered: int = 0
    rounds: int = 0

    def keep(self, what: str, response: GraphQLResponse) -> GraphQLResponse:
        self.answered += 1
        if response.status != 200 or response.errors:
            self.refusals.append(f"{what}: {response.status} {response.errors}")
        return response

    async def old_customer_token(self) -> None:
        self.keep("me, old token", await self.shop.router.execute(ME, token=self.customer.access_token))

    async def old_admin_token(self) -> None:
        variables = {"id": self.product["id"]}
        self.keep(
            "stock, old token",
            await self.shop.router.execute(STOCK, variables, token=self.admin.access_token),
        )

    async def fresh_sign_in(self) -> None:
        session = await self.shop.login(self.email)
        self.sign_in_kids.append(kid(session.access_token))
        self.keep("me, fresh token", await self.shop.router.execute(ME, token=session.access_token))

    async def checkout(self) -> None:
        placed = self.keep("placeOrder", await self.shop.place_order(self.customer, (self.product, 1)))
        if placed.data and placed.data["placeOrder"]["status"] != "PAID":
            self.refusals.append(f"placeOrder: {placed.data['placeOrder']['status']}")

    async def round(self, *alongside: Awaitable[Any]) -> None:
        """Four requests at once (and `alongside`, e.g. the rotation)."""
        self.rounds += 1
        await asyncio.gather(
            self.old_customer_token(),
            self.old_admin_token(),
            self.fresh_sign_in(),
            self.checkout(),
            *alongside,
        )


@pytest.fixture
async def traffic(router: GraphQLClient) -> Traffic:
    shop = Storefront(router)
    admin = await shop.admin()
    email = f"rotating-{uuid.uuid4().hex[:8]}@example.com"
    (await router.execute(REGISTER, {"email": email, "password": PASSWORD})).ok()
    product = await shop.product(admin, "Rotating lamp", stock=1000)
    return Traffic(shop, email, await shop.login(email), admin, product)


async def test_keys_rotate_under_traffic_and_no_request_is_refused(
    keyed_stack: Stack, traffic: Traffic
) -> None:
    signed_before = kid(traffic.customer.access_token)
    for _ in range(ROUNDS_BEFORE):
        await traffic.round()

    rotated: list[Rotation] = []

    async def rotate() -> None:
        rotated.append(await asyncio.to_thread(keyed_stack.keys.rotate, min_interval_seconds=0))

    await traffic.round(rotate())
    rotation = rotated[0]
    for _ in range(MAX_ROUNDS_TO_SWITCH):
        if traffic.sign_in_kids[-1] == rotation.current:
            break
        await traffic.round()
    for _ in range(ROUNDS_AFTER):
        await traffic.round()

    assert traffic.refusals == []
    assert (traffic.sign_in_kids[0], traffic.sign_in_kids[-1]) == (signed_before, rotation.current)
    assert rotation.previous == signed_before
    assert traffic.answered == 4 * traffic.rounds


async def test_the_users_jwks_publishes_the_current_next_and_previous_keys(keyed_stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=keyed_stack.urls["users"]) as client:
        published = [entry["kid"] for entry in (await client.get(JWKS_PATH)).json()["keys"]]
    expected = [entry["kid"] for entry in keyed_stack.keys.published_jwks()["keys"]]
    assert published == expected


# ---------------------------------------------------------------- service identity


def minted_with_the_orders_key(stack: Stack, role: Role) -> str:
    return stack.keys.service_key("orders").mint(subject="admin", role=role, issuer=ISSUER, audience=AUDIENCE)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.CUSTOMER])
async def test_the_router_refuses_a_persons_token_minted_with_the_orders_key(
    router: GraphQLClient, keyed_stack: Stack, role: Role
) -> None:
    result = await router.execute(ME, token=minted_with_the_orders_key(keyed_stack, role))
    assert (result.status, result.codes) == (401, ["UNAUTHENTICATED"])


@pytest.mark.parametrize(
    ("subgraph", "operation"),
    [
        ("products", CREATE_CATEGORY),
        ("users", "{ users { edges { node { id } } } }"),
        ("orders", "{ orders { edges { node { id } } } }"),
    ],
)
async def test_no_subgraph_accepts_an_admin_token_minted_with_the_orders_key(
    keyed_stack: Stack, subgraph: str, operation: str
) -> None:
    async with httpx.AsyncClient(base_url=keyed_stack.urls[subgraph], timeout=30) as client:
        result = await GraphQLClient(client).execute(
            operation, token=minted_with_the_orders_key(keyed_stack, Role.ADMIN)
        )
    assert result.codes == ["UNAUTHENTICATED"]


async def test_orders_reserves_stock_with_its_own_service_key(traffic: Traffic) -> None:
    placed = (await traffic.shop.place_order(traffic.customer, (traffic.product, 2))).ok()["placeOrder"]
    assert placed["status"] == "PAID"
