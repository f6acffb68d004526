"""Walks docs/permissions.md: every operation of every subgraph, as every role, anonymous included.

Each row of the table names an operation and, per role, `yes`, `no` or `own`. A probe per operation runs
it against the real subgraph with the role's credential; `yes` must succeed with no error, `no` must be
refused (UNAUTHENTICATED for anonymous callers, FORBIDDEN for signed-in ones), and `own` must succeed on
the caller's own account and be FORBIDDEN on someone else's. The table must also list every root field.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from graphql import (
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    get_named_type,
    is_non_null_type,
)
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.common.auth import Role
from subgraphs.common.context import AppResources
from tests.subgraphs.products.builders import Catalog
from tests.subgraphs.users.builders import LOGIN, PASSWORD, Accounts
from tests.support.graphql import GraphQLClient, GraphQLResponse
from tests.support.tokens import Tokens

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "docs" / "permissions.md"
ROLES = ("anonymous", "customer", "admin", "service")
SUBGRAPHS = ("products", "users", "orders")
CARD = "4242 4242 4242 4242"


@dataclass(frozen=True)
class Row:
    subgraph: str
    operation: str
    rules: dict[str, str]


def read_table() -> list[Row]:
    rows = []
    for line in TABLE.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0] in SUBGRAPHS:
            rows.append(Row(cells[0], cells[1], dict(zip(ROLES, cells[2:], strict=True))))
    return rows


ROWS = read_table()


@dataclass(frozen=True)
class Caller:
    role: str
    token: str | None
    user_id: str | None


class World:
    """The two subgraphs, the people who call them, and fresh things to act on."""

    def __init__(
        self,
        products: GraphQLClient,
        users: GraphQLClient,
        orders: GraphQLClient,
        tokens: Tokens,
        users_engine: AsyncEngine,
        orders_engine: AsyncEngine,
    ) -> None:
        self.products = products
        self.users = users
        self.orders = orders
        self.tokens = tokens
        self.users_engine = users_engine
        self.orders_engine = orders_engine
        self.catalog = Catalog(products, tokens)
        self.accounts = Accounts(users)

    async def person(self, role: str) -> Caller:
        """A real account signed in through the users subgraph (admins are promoted first)."""
        email = f"{role}-{uuid.uuid4().hex[:8]}@example.com"
        user = await self.accounts.register(email)
        if role == "admin":
            async with self.users_engine.begin() as connection:
                await connection.execute(
                    text("UPDATE users.users SET role = 'admin' WHERE id = :id"), {"id": user["id"]}
                )
        login = (await self.accounts.login(email)).ok()["login"]
        return Caller(role, login["accessToken"], user["id"])

    async def caller(self, role: str) -> Caller:
        if role == "anonymous":
            return Caller(role, None, None)
        if role == "service":
            return Caller(role, self.tokens.for_role(Role.SERVICE, "orders"), None)
        return await self.person(role)

    async def someone_else(self) -> str:
        user = await self.accounts.register(f"other-{uuid.uuid4().hex[:8]}@example.com")
        return str(user["id"])

    async def product(self, stock: int = 10) -> dict[str, Any]:
        return await self.catalog.product(f"P-{uuid.uuid4().hex[:10]}", stock=stock)

    async def category(self) -> dict[str, Any]:
        return await self.catalog.category(f"Category {uuid.uuid4().hex[:8]}")

    async def order(self, customer: Caller | None = None) -> str:
        """A PAID order of `customer` (someone else when None)."""
        token = customer.token if customer else self.tokens.for_role(Role.CUSTOMER, str(uuid.uuid4()))
        product = await self.product()
        variables = {
            "input": {
                "items": [{"productId": product["id"], "quantity": 1}],
                "payment": {"cardNumber": CARD},
                "idempotencyKey": uuid.uuid4().hex,
            }
        }
        result = await self.orders.execute(PLACE_ORDER, variables, token=token)
        order_id: str = result.ok()["placeOrder"]["id"]
        return order_id

    async def reservation(self) -> str:
        product, order = await self.product(), str(uuid.uuid4())
        reserve = "mutation($o: ID!, $p: ID!) { reserveStock(orderId: $o, items: [{productId: $p, quantity: 1}]) { status } }"
        (
            await self.products.execute(reserve, {"o": order, "p": product["id"]}, token=self.tokens.service)
        ).ok()
        return order

    async def webhook_endpoint(self) -> str:
        created = await self.orders.execute(
            CREATE_WEBHOOK, {"input": WEBHOOK_ENDPOINT}, token=self.tokens.for_role(Role.ADMIN)
        )
        endpoint_id: str = created.ok()["createWebhookEndpoint"]["endpoint"]["id"]
        return endpoint_id

    async def webhook_delivery(self) -> str:
        """A delivery queued for a new endpoint, as the intake queues one."""
        delivery_id = str(uuid.uuid4())
        async with self.orders_engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO orders.webhook_deliveries (id, endpoint_id, event_id, event_type, payload, "
                    "status, attempts, next_attempt_at, created_at, updated_at) VALUES (:id, :endpoint, "
                    ":event, 'order.paid', '{}', 'pending', 0, now(), now(), now())"
                ),
                {"id": delivery_id, "endpoint": await self.webhook_endpoint(), "event": str(uuid.uuid4())},
            )
        return delivery_id


PLACE_ORDER = "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }"
CREATE_WEBHOOK = "mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }"
WEBHOOK_ENDPOINT = {"url": "https://hooks.example.com/gocart", "eventTypes": ["order.*"]}

Probe = Callable[[World, Caller, str | None], Awaitable[GraphQLResponse]]
PROBES: dict[str, Probe] = {}


def probe(operation: str) -> Callable[[Probe], Probe]:
    def register(function: Probe) -> Probe:
        PROBES[operation] = function
        return function

    return register


# ---------------------------------------------------------------- products


@probe("Query.product")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    return await w.products.execute(
        "query($id: ID!) { product(id: $id) { id } }", {"id": (await w.product())["id"]}, token=c.token
    )


@probe("Query.productBySku")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    return await w.products.execute(
        "query($s: String!) { productBySku(sku: $s) { id } }",
        {"s": (await w.product())["sku"]},
        token=c.token,
    )


@probe("Query.products")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    return await w.products.execute("{ products(first: 5) { edges { node { id } } } }", token=c.token)


@probe("Query.products(filter: {includeInactive: true})")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    return await w.products.execute(
        "{ products(filter: {includeInactive: true}) { edges { node { id } } } }", token=c.token
    )


@probe("Query.category")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    return await w.products.execute(
        "query($s: String!) { category(slug: $s) { id } }", {"s": (await w.category())["slug"]}, token=c.token
    )


@probe("Query.categories")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    return await w.products.execute("{ categories { id } }", token=c.token)


@probe("Query.stockMovements")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    query = "query($id: ID!) { stockMovements(productId: $id) { kind } }"
    return await w.products.execute(query, {"id": (await w.product())["id"]}, token=c.token)


@probe("Product.stock.onHand")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    query = "query($id: ID!) { product(id: $id) { stock { onHand } } }"
    return await w.products.execute(query, {"id": (await w.product())["id"]}, token=c.token)


@probe("Product.stock.reserved")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    query = "query($id: ID!) { product(id: $id) { stock { reserved } } }"
    return await w.products.execute(query, {"id": (await w.product())["id"]}, token=c.token)


@probe("Mutation.createProduct")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    mutation = 'mutation($s: String!) { createProduct(input: {sku: $s, name: "N", price: "1.00"}) { id } }'
    return await w.products.execute(mutation, {"s": f"NEW-{uuid.uuid4().hex[:8]}"}, token=c.token)


@probe("Mutation.updateProduct")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    mutation = 'mutation($id: ID!) { updateProduct(id: $id, input: {name: "Renamed"}) { id } }'
    return await w.products.execute(mutation, {"id": (await w.product())["id"]}, token=c.token)


@probe("Mutation.deleteProduct")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    return await w.products.execute(
        "mutation($id: ID!) { deleteProduct(id: $id) { id } }",
        {"id": (await w.product())["id"]},
        token=c.token,
    )


@probe("Mutation.createCategory")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    mutation = "mutation($n: String!) { createCategory(input: {name: $n}) { id } }"
    return await w.products.execute(mutation, {"n": f"New {uuid.uuid4().hex[:8]}"}, token=c.token)


@probe("Mutation.updateCategory")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    mutation = 'mutation($id: ID!) { updateCategory(id: $id, input: {description: "x"}) { id } }'
    return await w.products.execute(mutation, {"id": (await w.category())["id"]}, token=c.token)


@probe("Mutation.moveCategory")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    parent, child = await w.category(), await w.category()
    mutation = "mutation($id: ID!, $p: ID) { moveCategory(id: $id, parentId: $p) { id } }"
    return await w.products.execute(mutation, {"id": child["id"], "p": parent["id"]}, token=c.token)


@probe("Mutation.deleteCategory")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    return await w.products.execute(
        "mutation($id: ID!) { deleteCategory(id: $id) { id } }",
        {"id": (await w.category())["id"]},
        token=c.token,
    )


@probe("Mutation.restockProduct")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    mutation = "mutation($id: ID!) { restockProduct(id: $id, quantity: 1) { id } }"
    return await w.products.execute(mutation, {"id": (await w.product())["id"]}, token=c.token)


@probe("Mutation.adjustStock")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    mutation = 'mutation($id: ID!) { adjustStock(id: $id, delta: 1, reason: "count") { id } }'
    return await w.products.execute(mutation, {"id": (await w.product())["id"]}, token=c.token)


@probe("Mutation.reserveStock (internal)")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    mutation = "mutation($o: ID!, $p: ID!) { reserveStock(orderId: $o, items: [{productId: $p, quantity: 1}]) { status } }"
    return await w.products.execute(
        mutation, {"o": str(uuid.uuid4()), "p": (await w.product())["id"]}, token=c.token
    )


@probe("Mutation.releaseStock (internal)")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    return await w.products.execute(
        "mutation($o: ID!) { releaseStock(orderId: $o) { status } }",
        {"o": await w.reservation()},
        token=c.token,
    )


@probe("Mutation.commitStock (internal)")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    return await w.products.execute(
        "mutation($o: ID!) { commitStock(orderId: $o) { status } }",
        {"o": await w.reservation()},
        token=c.token,
    )


@probe("Mutation.returnStock (internal)")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    return await w.products.execute(
        "mutation($o: ID!) { returnStock(orderId: $o) { status } }",
        {"o": await w.reservation()},
        token=c.token,
    )


# ---------------------------------------------------------------- users


async def target_user(w: World, c: Caller, target: str | None) -> str:
    """The caller's own account for `own`, someone else's otherwise."""
    return c.user_id if target == "own" and c.user_id else await w.someone_else()


@probe("Query.me")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    return await w.users.execute("{ me { id } }", token=c.token)


@probe("Query.user")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    return await w.users.execute(
        "query($id: ID!) { user(id: $id) { id } }", {"id": await target_user(w, c, target)}, token=c.token
    )


@probe("Query.users")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    return await w.users.execute("{ users { edges { node { id } } } }", token=c.token)


@probe("Mutation.register")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    mutation = 'mutation($e: String!, $p: String!) { register(input: {email: $e, password: $p, firstName: "A", lastName: "B"}) { id } }'
    return await w.users.execute(
        mutation, {"e": f"new-{uuid.uuid4().hex[:8]}@example.com", "p": PASSWORD}, token=c.token
    )


@probe("Mutation.login")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    email = f"login-{uuid.uuid4().hex[:8]}@example.com"
    await w.accounts.register(email)
    return await w.users.execute(LOGIN, {"email": email, "password": PASSWORD}, token=c.token)


@probe("Mutation.refreshToken")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    email = f"refresh-{uuid.uuid4().hex[:8]}@example.com"
    await w.accounts.register(email)
    refresh_token = (await w.accounts.login(email)).ok()["login"]["refreshToken"]
    return await w.users.execute(
        "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }",
        {"t": refresh_token},
        token=c.token,
    )


@probe("Mutation.logout")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    return await w.users.execute("mutation { logout }", token=c.token)


@probe("Mutation.updateUser")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    mutation = 'mutation($id: ID!) { updateUser(id: $id, input: {firstName: "Renamed"}) { id } }'
    return await w.users.execute(mutation, {"id": await target_user(w, c, target)}, token=c.token)


@probe("Mutation.updateUser(input: {role})")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    mutation = "mutation($id: ID!) { updateUser(id: $id, input: {role: ADMIN}) { id } }"
    return await w.users.execute(mutation, {"id": c.user_id or await w.someone_else()}, token=c.token)


@probe("Mutation.changePassword (their own)")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    mutation = (
        "mutation($old: String!, $new: String!) { changePassword(currentPassword: $old, newPassword: $new) }"
    )
    return await w.users.execute(mutation, {"old": PASSWORD, "new": "a brand new passphrase"}, token=c.token)


@probe("Mutation.deleteUser")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    return await w.users.execute(
        "mutation($id: ID!) { deleteUser(id: $id) { id } }",
        {"id": await target_user(w, c, target)},
        token=c.token,
    )


# ---------------------------------------------------------------- orders


async def target_order(w: World, c: Caller, target: str | None) -> str:
    """The caller's own order for `own` (customers only place orders), someone else's otherwise."""
    return await w.order(c if target == "own" and c.role == "customer" else None)


@probe("Query.order")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    query = "query($id: ID!) { order(id: $id) { id } }"
    return await w.orders.execute(query, {"id": await target_order(w, c, target)}, token=c.token)


@probe("Query.orders")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    return await w.orders.execute("{ orders { edges { node { id } } } }", token=c.token)


@probe("User.orders")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    user_id = c.user_id if target == "own" and c.user_id else str(uuid.uuid4())
    query = "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { orders { edges { node { id } } } } } }"
    return await w.orders.execute(query, {"r": [{"__typename": "User", "id": user_id}]}, token=c.token)


@probe("Mutation.placeOrder")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    variables = {
        "input": {
            "items": [{"productId": (await w.product())["id"], "quantity": 1}],
            "payment": {"cardNumber": CARD},
            "idempotencyKey": uuid.uuid4().hex,
        }
    }
    return await w.orders.execute(PLACE_ORDER, variables, token=c.token)


@probe("Mutation.cancelOrder")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    mutation = 'mutation($id: ID!) { cancelOrder(id: $id, reason: "changed my mind") { status } }'
    return await w.orders.execute(mutation, {"id": await target_order(w, c, target)}, token=c.token)


@probe("Mutation.updateOrderStatus")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    mutation = "mutation($id: ID!) { updateOrderStatus(id: $id, status: SHIPPED) { status } }"
    return await w.orders.execute(mutation, {"id": await w.order()}, token=c.token)


@probe("Query.webhookEndpoints")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    return await w.orders.execute(
        "{ webhookEndpoints { nodes { id deliveries { nodes { id } } } } }", token=c.token
    )


@probe("Mutation.createWebhookEndpoint")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    return await w.orders.execute(CREATE_WEBHOOK, {"input": WEBHOOK_ENDPOINT}, token=c.token)


@probe("Mutation.updateWebhookEndpoint")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    mutation = "mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: {active: false}) { active } }"
    return await w.orders.execute(mutation, {"id": await w.webhook_endpoint()}, token=c.token)


@probe("Mutation.deleteWebhookEndpoint")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    mutation = "mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }"
    return await w.orders.execute(mutation, {"id": await w.webhook_endpoint()}, token=c.token)


@probe("Mutation.redeliverWebhook")
async def _(w: World, c: Caller, target: str | None) -> GraphQLResponse:
    mutation = "mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { status } }"
    return await w.orders.execute(mutation, {"id": await w.webhook_delivery()}, token=c.token)


# ---------------------------------------------------------------- the walk


@pytest.fixture
async def world(
    products_app: FastAPI,
    users_app: FastAPI,
    orders_app: FastAPI,
    clean_orders: None,
    clean_users: None,
    tokens: Tokens,
) -> AsyncIterator[World]:
    users_resources: AppResources = users_app.state.resources
    orders_resources: AppResources = orders_app.state.resources

    def client(app: FastAPI, name: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{name}")

    async with (
        client(products_app, "products") as products,
        client(users_app, "users") as users,
        client(orders_app, "orders") as orders,
    ):
        clients = (GraphQLClient(products), GraphQLClient(users), GraphQLClient(orders))
        yield World(*clients, tokens, users_resources.engine, orders_resources.engine)


def expect_refusal(response: GraphQLResponse, role: str) -> None:
    assert response.codes == (["UNAUTHENTICATED"] if role == "anonymous" else ["FORBIDDEN"]), response.errors


def expect_success(response: GraphQLResponse) -> None:
    assert response.errors == [], response.errors


def expect_found(response: GraphQLResponse) -> None:
    """Allowed, and the caller's own thing is really there (not hidden as `null`)."""
    expect_success(response)
    assert all(value is not None for value in response.data.values()), response.data


def expect_refusal_or_nothing(response: GraphQLResponse, role: str) -> None:
    """Someone else's thing: refused, or (where refusing would reveal it exists) simply not there."""
    if response.codes == ["NOT_FOUND"]:
        return
    if response.errors:
        expect_refusal(response, role)
    else:
        assert all(value is None for value in response.data.values()), response.data


@pytest.mark.parametrize(
    ("row", "role"),
    [(row, role) for row in ROWS for role in ROLES],
    ids=lambda v: v.operation if isinstance(v, Row) else v,
)
async def test_the_table_holds(world: World, row: Row, role: str) -> None:
    run = PROBES[row.operation]
    rule = row.rules[role]
    caller = await world.caller(role)
    if rule == "yes":
        expect_success(await run(world, caller, "other"))
    elif rule == "no":
        expect_refusal(await run(world, caller, "own"), role)
    else:
        assert rule == "own", f"unknown rule {rule!r}"
        expect_refusal_or_nothing(await run(world, caller, "other"), role)
        expect_found(await run(world, await world.caller(role), "own"))


def test_every_row_has_a_probe_and_every_probe_a_row() -> None:
    assert sorted(row.operation for row in ROWS) == sorted(PROBES)


@pytest.mark.parametrize("subgraph", SUBGRAPHS)
def test_the_table_lists_every_root_field(subgraph: str) -> None:
    schema = build_schema((ROOT / "schema" / f"{subgraph}.graphql").read_text(), assume_valid_sdl=True)
    listed = {re.sub(r"[ (].*$", "", row.operation) for row in ROWS if row.subgraph == subgraph}
    for root in (schema.query_type, schema.mutation_type):
        assert root is not None
        fields = {f"{root.name}.{name}" for name in root.fields if not name.startswith("_")}
        assert fields <= listed, f"missing from docs/permissions.md: {sorted(fields - listed)}"


def refused_fields(subgraph: str) -> list[str]:
    """Each query-side field (`Type.field`, `Type.field.subfield`) the table refuses to some role,
    whatever its arguments."""
    return [
        row.operation
        for row in ROWS
        if row.subgraph == subgraph
        and not row.operation.startswith("Mutation.")
        and "(" not in row.operation
        and {"no", "own"} & set(row.rules.values())
    ]


def field_at(schema: GraphQLSchema, path: str) -> GraphQLField:
    """The field that `Type.field.subfield` names, following each field to its type."""
    type_name, *field_names = path.split(".")
    parent = schema.get_type(type_name)
    field: GraphQLField | None = None
    for name in field_names:
        assert isinstance(parent, GraphQLObjectType), path
        field = parent.fields[name]
        parent = get_named_type(field.type)
    assert field is not None, path
    return field


@pytest.mark.parametrize("subgraph", SUBGRAPHS)
def test_every_field_refused_to_some_role_is_nullable(subgraph: str) -> None:
    """So that a refusal nulls that field alone (docs/api.md, "Nullability"), not the caller's other data."""
    schema = build_schema((ROOT / "schema" / f"{subgraph}.graphql").read_text(), assume_valid_sdl=True)
    refused = refused_fields(subgraph)
    non_null = [path for path in refused if is_non_null_type(field_at(schema, path).type)]
    assert refused
    assert non_null == []
