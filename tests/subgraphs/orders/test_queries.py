"""Reading orders: `order(id)` for its owner or an admin, `orders(filter)` for admins, and `User.orders`
(the user's history, contributed to the users subgraph's `User` entity)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from subgraphs.common.auth import Role
from subgraphs.common.pagination import encode_cursor
from tests.subgraphs.orders.shop import CANCEL_ORDER, ORDER, Shop, placed
from tests.support.graphql import GraphQLClient
from tests.support.tokens import Tokens

ORDERS = """
query($filter: OrderFilter, $first: Int, $after: String) {
  orders(filter: $filter, first: $first, after: $after) {
    nodes { id number status customer { id } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}
"""
USER_ORDERS = """
query($reps: [_Any!]!, $status: OrderStatus, $first: Int, $after: String) {
  _entities(representations: $reps) {
    ... on User { id orders(status: $status, first: $first, after: $after) { nodes { id status } pageInfo { hasNextPage endCursor } } }
  }
}
"""


def user(user_id: str) -> dict[str, Any]:
    return {"reps": [{"__typename": "User", "id": user_id}]}


async def test_the_owner_reads_their_order(gql: GraphQLClient, shop: Shop, tokens: Tokens) -> None:
    mug = await shop.product("Q-1", stock=5)
    order = await placed(gql, tokens.customer, (mug, 1))

    result = (await gql.execute(ORDER, {"id": order["id"]}, token=tokens.customer)).ok()

    assert result["order"] == order


async def test_an_admin_reads_any_order(gql: GraphQLClient, shop: Shop, tokens: Tokens) -> None:
    mug = await shop.product("Q-2", stock=5)
    order = await placed(gql, tokens.customer, (mug, 1))

    result = (await gql.execute(ORDER, {"id": order["id"]}, token=tokens.admin)).ok()

    assert result["order"]["id"] == order["id"]


async def test_another_customer_sees_no_such_order(gql: GraphQLClient, shop: Shop, tokens: Tokens) -> None:
    mug = await shop.product("Q-3", stock=5)
    order = await placed(gql, tokens.customer, (mug, 1))

    result = (await gql.execute(ORDER, {"id": order["id"]}, token=tokens.for_role(Role.CUSTOMER, "eve"))).ok()

    assert result == {"order": None}


async def test_reading_an_order_needs_a_signed_in_caller(
    gql: GraphQLClient, shop: Shop, tokens: Tokens
) -> None:
    mug = await shop.product("Q-4", stock=5)
    order = await placed(gql, tokens.customer, (mug, 1))

    result = await gql.execute(ORDER, {"id": order["id"]})

    assert result.codes == ["UNAUTHENTICATED"]


async def test_a_malformed_order_id_is_bad_input(gql: GraphQLClient, tokens: Tokens) -> None:
    result = await gql.execute(ORDER, {"id": "nope"}, token=tokens.admin)
    assert result.codes == ["BAD_USER_INPUT"]


async def test_admins_list_orders_newest_first_in_pages(
    gql: GraphQLClient, shop: Shop, tokens: Tokens
) -> None:
    mug = await shop.product("Q-5", stock=10)
    placed_ids = [(await placed(gql, tokens.customer, (mug, 1)))["id"] for _ in range(3)]

    first = (await gql.execute(ORDERS, {"first": 2}, token=tokens.admin)).ok()["orders"]
    rest = (
        await gql.execute(ORDERS, {"first": 2, "after": first["pageInfo"]["endCursor"]}, token=tokens.admin)
    ).ok()["orders"]

    assert [o["id"] for o in first["nodes"] + rest["nodes"]] == list(reversed(placed_ids))
    assert (first["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasNextPage"]) == (True, False)
    assert rest["pageInfo"]["hasPreviousPage"] is True


async def test_admins_filter_orders_by_status_and_customer(
    gql: GraphQLClient, shop: Shop, tokens: Tokens
) -> None:
    mug = await shop.product("Q-6", stock=10)
    bob = tokens.for_role(Role.CUSTOMER, "bob")
    paid = await placed(gql, tokens.customer, (mug, 1))
    failed = await placed(gql, tokens.customer, (mug, 1), card="4000000000000002")
    bobs = await placed(gql, bob, (mug, 1))

    by_status = (await gql.execute(ORDERS, {"filter": {"status": "PAYMENT_FAILED"}}, token=tokens.admin)).ok()
    by_customer = (await gql.execute(ORDERS, {"filter": {"customerId": "bob"}}, token=tokens.admin)).ok()
    both = (
        await gql.execute(
            ORDERS, {"filter": {"customerId": "customer-1", "status": "PAID"}}, token=tokens.admin
        )
    ).ok()

    assert [o["id"] for o in by_status["orders"]["nodes"]] == [failed["id"]]
    assert [o["id"] for o in by_customer["orders"]["nodes"]] == [bobs["id"]]
    assert [o["id"] for o in both["orders"]["nodes"]] == [paid["id"]]


async def test_admins_filter_orders_by_creation_time(gql: GraphQLClient, shop: Shop, tokens: Tokens) -> None:
    mug = await shop.product("Q-7", stock=10)
    order = await placed(gql, tokens.customer, (mug, 1))
    created = datetime.fromisoformat(order["createdAt"])

    inside = {
        "createdAfter": (created - timedelta(minutes=1)).isoformat(),
        "createdBefore": (created + timedelta(minutes=1)).isoformat(),
    }
    later = {"createdAfter": (created + timedelta(minutes=1)).isoformat()}
    found = (await gql.execute(ORDERS, {"filter": inside}, token=tokens.admin)).ok()["orders"]["nodes"]
    none = (await gql.execute(ORDERS, {"filter": later}, token=tokens.admin)).ok()["orders"]["nodes"]

    assert [o["id"] for o in found] == [order["id"]]
    assert none == []


async def test_an_empty_time_window_is_bad_input(gql: GraphQLClient, tokens: Tokens) -> None:
    now = datetime.now(UTC).isoformat()
    result = await gql.execute(
        ORDERS, {"filter": {"createdAfter": now, "createdBefore": now}}, token=tokens.admin
    )
    assert result.codes == ["BAD_USER_INPUT"]


async def test_only_admins_list_all_orders(gql: GraphQLClient, tokens: Tokens) -> None:
    as_customer = await gql.execute(ORDERS, {}, token=tokens.customer)
    anonymous = await gql.execute(ORDERS, {})
    assert (as_customer.codes, anonymous.codes) == (["FORBIDDEN"], ["UNAUTHENTICATED"])


async def test_a_bad_cursor_is_bad_input(gql: GraphQLClient, tokens: Tokens) -> None:
    result = await gql.execute(ORDERS, {"after": "garbage"}, token=tokens.admin)
    assert result.codes == ["BAD_USER_INPUT"]


async def test_a_forged_cursor_is_bad_input_not_a_crash(gql: GraphQLClient, tokens: Tokens) -> None:
    forged = encode_cursor({"t": "2026-01-01T00:00:00+00:00", "i": 1})
    result = await gql.execute(ORDERS, {"after": forged}, token=tokens.admin)
    assert result.codes == ["BAD_USER_INPUT"]


async def test_page_size_is_bounded(gql: GraphQLClient, tokens: Tokens) -> None:
    result = await gql.execute(ORDERS, {"first": 101}, token=tokens.admin)
    assert result.codes == ["BAD_USER_INPUT"]


async def test_a_user_entity_carries_the_users_order_history(
    gql: GraphQLClient, shop: Shop, tokens: Tokens
) -> None:
    mug = await shop.product("Q-8", stock=10)
    older = await placed(gql, tokens.customer, (mug, 1))
    newer = await placed(gql, tokens.customer, (mug, 1), card="4000000000000002")
    await placed(gql, tokens.for_role(Role.CUSTOMER, "bob"), (mug, 1))

    entities = (await gql.execute(USER_ORDERS, user("customer-1"), token=tokens.customer)).ok()["_entities"]

    assert entities[0]["id"] == "customer-1"
    assert [(o["id"], o["status"]) for o in entities[0]["orders"]["nodes"]] == [
        (newer["id"], "PAYMENT_FAILED"),
        (older["id"], "PAID"),
    ]


async def test_user_orders_filter_by_status_and_page(gql: GraphQLClient, shop: Shop, tokens: Tokens) -> None:
    mug = await shop.product("Q-9", stock=10)
    paid = [(await placed(gql, tokens.customer, (mug, 1)))["id"] for _ in range(2)]
    await placed(gql, tokens.customer, (mug, 1), card="4000000000000002")

    page = (
        await gql.execute(
            USER_ORDERS, {**user("customer-1"), "status": "PAID", "first": 1}, token=tokens.customer
        )
    ).ok()["_entities"][0]["orders"]

    assert [o["id"] for o in page["nodes"]] == [paid[1]]
    assert page["pageInfo"]["hasNextPage"] is True


async def test_an_admin_reads_any_users_orders(gql: GraphQLClient, shop: Shop, tokens: Tokens) -> None:
    mug = await shop.product("Q-10", stock=10)
    order = await placed(gql, tokens.customer, (mug, 1))

    entities = (await gql.execute(USER_ORDERS, user("customer-1"), token=tokens.admin)).ok()["_entities"]

    assert [o["id"] for o in entities[0]["orders"]["nodes"]] == [order["id"]]


async def test_a_customer_cannot_read_another_users_orders(gql: GraphQLClient, tokens: Tokens) -> None:
    result = await gql.execute(USER_ORDERS, user("customer-1"), token=tokens.for_role(Role.CUSTOMER, "eve"))
    assert result.codes == ["FORBIDDEN"]


async def test_an_order_read_again_from_the_cache_is_answered_to_each_caller_as_before(
    gql: GraphQLClient, shop: Shop, tokens: Tokens
) -> None:
    mug = await shop.product("Q-R1", stock=5)
    order = await placed(gql, tokens.customer, (mug, 1))
    variables = {"id": order["id"]}

    first = (await gql.execute(ORDER, variables, token=tokens.customer)).ok()
    by_admin = (await gql.execute(ORDER, variables, token=tokens.admin)).ok()
    by_other = (await gql.execute(ORDER, variables, token=tokens.for_role(Role.CUSTOMER, "eve"))).ok()
    again = (await gql.execute(ORDER, variables, token=tokens.customer)).ok()

    assert first == by_admin == again == {"order": order}
    assert by_other == {"order": None}


async def test_an_order_changed_after_a_cached_read_is_answered_as_changed(
    gql: GraphQLClient, shop: Shop, tokens: Tokens
) -> None:
    mug = await shop.product("Q-R2", stock=5)
    order = await placed(gql, tokens.customer, (mug, 1))
    variables = {"id": order["id"]}
    (await gql.execute(ORDER, variables, token=tokens.customer)).ok()  # kept decoded, with its objects

    (await gql.execute(CANCEL_ORDER, {"id": order["id"], "reason": None}, token=tokens.customer)).ok()
    read = (await gql.execute(ORDER, variables, token=tokens.customer)).ok()

    assert read["order"]["status"] == "CANCELLED"
    assert read["order"]["history"][-1]["to"] == "CANCELLED"
