"""`User.orders` for many users at once: one listing query for all the users of a response, and for each
user the page it would get alone (the admins' `orders(filter: {customerId})` listing is the yardstick)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.common.auth import Role
from tests.subgraphs.orders.shop import Shop, placed
from tests.support.counters import count_sql
from tests.support.graphql import GraphQLClient
from tests.support.tokens import Tokens

pytestmark = pytest.mark.slow  # each case builds the order histories of many customers

DECLINED_CARD = "4000000000000002"
PAGE = "edges { cursor node { id status } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
USERS_ORDERS = f"""
query($reps: [_Any!]!, $status: OrderStatus, $first: Int, $after: String) {{
  _entities(representations: $reps) {{
    ... on User {{ id orders(status: $status, first: $first, after: $after) {{ {PAGE} }} }}
  }}
}}
"""
CUSTOMER_LISTING = f"""
query($customer: ID!, $status: OrderStatus, $first: Int, $after: String) {{
  orders(filter: {{customerId: $customer, status: $status}}, first: $first, after: $after) {{ {PAGE} }}
}}
"""


def representations(customers: list[str]) -> list[dict[str, str]]:
    return [{"__typename": "User", "id": customer} for customer in customers]


def next_pages_query(count: int) -> str:
    """One request asking each of `count` users for the page after its own cursor."""
    variables = ", ".join(f"$user{n}: [_Any!]!, $after{n}: String" for n in range(count))
    fields = "\n".join(
        f"  user{n}: _entities(representations: $user{n}) {{"
        f" ... on User {{ orders(first: 2, after: $after{n}) {{ {PAGE} }} }} }}"
        for n in range(count)
    )
    return f"query({variables}) {{\n{fields}\n}}"


async def place_history(gql: GraphQLClient, shop: Shop, tokens: Tokens, orders_of: dict[str, int]) -> None:
    """`orders_of[customer]` orders for each customer; every third one declined (PAYMENT_FAILED)."""
    mug = await shop.product("BATCH-1", stock=1000)
    placed_so_far = 0
    for customer, count in orders_of.items():
        for _ in range(count):
            placed_so_far += 1
            card = DECLINED_CARD if placed_so_far % 3 == 0 else "4242424242424242"
            await placed(gql, tokens.for_role(Role.CUSTOMER, customer), (mug, 1), card=card)


async def alone(
    gql: GraphQLClient, tokens: Tokens, customer: str, variables: dict[str, Any]
) -> dict[str, Any]:
    """The customer's page from the admins' single-customer listing."""
    result = await gql.execute(CUSTOMER_LISTING, {"customer": customer, **variables}, token=tokens.admin)
    page: dict[str, Any] = result.ok()["orders"]
    return page


@pytest.fixture
async def eight_histories(gql: GraphQLClient, shop: Shop, tokens: Tokens) -> list[str]:
    """Eight customers with 0, 1, 2, 3, 0, 1, 2 and 3 orders."""
    customers = [f"history-{n}" for n in range(8)]
    await place_history(gql, shop, tokens, {customer: n % 4 for n, customer in enumerate(customers)})
    return customers


async def test_the_orders_of_twenty_users_cost_as_many_statements_as_those_of_one(
    gql: GraphQLClient, shop: Shop, tokens: Tokens, orders_engine: AsyncEngine
) -> None:
    customers = [f"buyer-{n}" for n in range(21)]
    await place_history(gql, shop, tokens, dict.fromkeys(customers, 1))
    variables = {"first": 5}

    with count_sql(orders_engine) as one_user:
        one = await gql.execute(
            USERS_ORDERS, {"reps": representations(customers[:1]), **variables}, token=tokens.admin
        )
    with count_sql(orders_engine) as twenty_users:
        twenty = await gql.execute(
            USERS_ORDERS, {"reps": representations(customers[1:]), **variables}, token=tokens.admin
        )

    assert [len(user["orders"]["edges"]) for user in twenty.ok()["_entities"]] == [1] * 20
    assert len(one.ok()["_entities"][0]["orders"]["edges"]) == 1
    assert twenty_users.count == one_user.count
    # the listing, then the orders' rows, items and history (the orders are not in Redis yet)
    assert one_user.count == 4


async def test_each_user_of_a_batch_gets_the_page_it_gets_alone(
    gql: GraphQLClient, tokens: Tokens, eight_histories: list[str]
) -> None:
    variables = {"first": 2}

    batched = await gql.execute(
        USERS_ORDERS, {"reps": representations(eight_histories), **variables}, token=tokens.admin
    )

    assert [user["orders"] for user in batched.ok()["_entities"]] == [
        await alone(gql, tokens, customer, variables) for customer in eight_histories
    ]


async def test_each_user_of_a_batch_gets_the_page_it_gets_alone_for_a_status(
    gql: GraphQLClient, tokens: Tokens, eight_histories: list[str]
) -> None:
    variables = {"first": 1, "status": "PAID"}

    batched = await gql.execute(
        USERS_ORDERS, {"reps": representations(eight_histories), **variables}, token=tokens.admin
    )

    assert [user["orders"] for user in batched.ok()["_entities"]] == [
        await alone(gql, tokens, customer, variables) for customer in eight_histories
    ]


async def test_each_user_of_a_batch_pages_on_from_its_own_cursor(
    gql: GraphQLClient, tokens: Tokens, eight_histories: list[str]
) -> None:
    first_pages = [await alone(gql, tokens, customer, {"first": 2}) for customer in eight_histories]
    variables: dict[str, Any] = {}
    for n, (customer, page) in enumerate(zip(eight_histories, first_pages, strict=True)):
        variables[f"user{n}"] = representations([customer])
        variables[f"after{n}"] = page["pageInfo"]["endCursor"]

    batched = await gql.execute(next_pages_query(len(eight_histories)), variables, token=tokens.admin)

    expected = [
        await alone(gql, tokens, customer, {"first": 2, "after": page["pageInfo"]["endCursor"]})
        for customer, page in zip(eight_histories, first_pages, strict=True)
    ]
    data = batched.ok()
    assert [data[f"user{n}"][0]["orders"] for n in range(len(eight_histories))] == expected
