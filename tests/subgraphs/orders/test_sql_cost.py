"""What a checkout costs in SQL: the same number of statements however many lines the cart has."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.common.auth import Role
from tests.subgraphs.orders.shop import Shop, placed
from tests.support.counters import count_sql
from tests.support.graphql import GraphQLClient
from tests.support.tokens import Tokens


async def test_a_checkout_costs_as_many_statements_for_ten_lines_as_for_one(
    gql: GraphQLClient, shop: Shop, tokens: Tokens, orders_engine: AsyncEngine
) -> None:
    products = [await shop.product(f"SQL-{n}", stock=5) for n in range(10)]

    with count_sql(orders_engine) as one_line:
        await placed(gql, tokens.for_role(Role.CUSTOMER, "a"), (products[0], 1))
    with count_sql(orders_engine) as ten_lines:
        await placed(gql, tokens.for_role(Role.CUSTOMER, "b"), *((product, 1) for product in products))

    assert ten_lines.count == one_line.count
    # key lookup, 3 inserts, transition (2), task (3), events (2: placed, paid), re-read (3)
    assert one_line.count <= 14
