"""Inventory: admin restock and adjustment, and the internal reserve / release / commit operations."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from tests.subgraphs.products.builders import Catalog
from tests.support.graphql import GraphQLClient, GraphQLResponse
from tests.support.tokens import Tokens

STOCK = "query($id: ID!) { product(id: $id) { stock { onHand reserved available } } }"
LEDGER = (
    "query($id: ID!) { stockMovements(productId: $id) { kind onHandDelta reservedDelta reason orderId } }"
)
RESTOCK = 'mutation($id: ID!, $q: Int!) { restockProduct(id: $id, quantity: $q, note: "delivery") { id } }'
ADJUST = "mutation($id: ID!, $d: Int!, $r: String!) { adjustStock(id: $id, delta: $d, reason: $r) { id } }"
RESERVE = """
mutation($order: ID!, $items: [StockLineInput!]!) {
  reserveStock(orderId: $order, items: $items) { orderId status items { productId quantity } }
}
"""
RELEASE = "mutation($order: ID!) { releaseStock(orderId: $order) { status } }"
COMMIT = "mutation($order: ID!) { commitStock(orderId: $order) { status } }"


async def stock_of(gql: GraphQLClient, tokens: Tokens, product: dict[str, Any]) -> dict[str, int]:
    stock: dict[str, int] = (await gql.execute(STOCK, {"id": product["id"]}, token=tokens.admin)).ok()[
        "product"
    ]["stock"]
    return stock


async def reserve(
    gql: GraphQLClient, tokens: Tokens, order: str, *lines: tuple[dict[str, Any], int]
) -> GraphQLResponse:
    items = [{"productId": product["id"], "quantity": quantity} for product, quantity in lines]
    return await gql.execute(RESERVE, {"order": order, "items": items}, token=tokens.service)


def new_order() -> str:
    return str(uuid.uuid4())


async def test_restock_adds_on_hand_and_writes_the_ledger(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    product = await catalog.product("ST-1")

    (await gql.execute(RESTOCK, {"id": product["id"], "q": 12}, token=tokens.admin)).ok()

    assert await stock_of(gql, tokens, product) == {"onHand": 12, "reserved": 0, "available": 12}
    ledger = (await gql.execute(LEDGER, {"id": product["id"]}, token=tokens.admin)).ok()["stockMovements"]
    assert ledger == [
        {"kind": "RESTOCK", "onHandDelta": 12, "reservedDelta": 0, "reason": "delivery", "orderId": None}
    ]


async def test_restock_needs_a_positive_quantity(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    product = await catalog.product("ST-2")
    result = await gql.execute(RESTOCK, {"id": product["id"], "q": 0}, token=tokens.admin)
    assert result.codes == ["BAD_USER_INPUT"]


async def test_restock_of_an_unknown_product_is_not_found(gql: GraphQLClient, tokens: Tokens) -> None:
    result = await gql.execute(RESTOCK, {"id": str(uuid.uuid4()), "q": 1}, token=tokens.admin)
    assert result.codes == ["NOT_FOUND"]


async def test_customer_cannot_restock(gql: GraphQLClient, catalog: Catalog, tokens: Tokens) -> None:
    product = await catalog.product("ST-3")
    result = await gql.execute(RESTOCK, {"id": product["id"], "q": 1}, token=tokens.customer)
    assert result.codes == ["FORBIDDEN"]


async def test_adjust_moves_on_hand_either_way_with_a_reason(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    product = await catalog.product("ST-4", stock=10)

    (await gql.execute(ADJUST, {"id": product["id"], "d": -3, "r": "damaged"}, token=tokens.admin)).ok()

    assert (await stock_of(gql, tokens, product))["onHand"] == 7
    ledger = (await gql.execute(LEDGER, {"id": product["id"]}, token=tokens.admin)).ok()["stockMovements"]
    assert ledger[0]["kind"] == "ADJUSTMENT"
    assert ledger[0]["reason"] == "damaged"


async def test_adjust_needs_a_reason(gql: GraphQLClient, catalog: Catalog, tokens: Tokens) -> None:
    product = await catalog.product("ST-5", stock=1)
    result = await gql.execute(ADJUST, {"id": product["id"], "d": 1, "r": " "}, token=tokens.admin)
    assert result.codes == ["BAD_USER_INPUT"]


async def test_adjust_cannot_go_below_what_is_reserved(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    product = await catalog.product("ST-6", stock=5)
    (await reserve(gql, tokens, new_order(), (product, 4))).ok()

    result = await gql.execute(ADJUST, {"id": product["id"], "d": -2, "r": "count"}, token=tokens.admin)

    assert result.codes == ["CONFLICT"]
    assert await stock_of(gql, tokens, product) == {"onHand": 5, "reserved": 4, "available": 1}


async def test_reserve_holds_stock_for_every_line(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    a = await catalog.product("RS-A", stock=5)
    b = await catalog.product("RS-B", stock=5)
    order = new_order()

    result = (await reserve(gql, tokens, order, (a, 2), (b, 1), (a, 1))).ok()["reserveStock"]

    assert result["status"] == "RESERVED"
    assert sorted((i["productId"], i["quantity"]) for i in result["items"]) == sorted(
        [(a["id"], 3), (b["id"], 1)]
    )
    assert await stock_of(gql, tokens, a) == {"onHand": 5, "reserved": 3, "available": 2}
    ledger = (await gql.execute(LEDGER, {"id": a["id"]}, token=tokens.admin)).ok()["stockMovements"]
    assert ledger[0] == {
        "kind": "RESERVATION",
        "onHandDelta": 0,
        "reservedDelta": 3,
        "reason": "",
        "orderId": order,
    }


async def test_reserve_is_all_or_nothing_when_stock_is_short(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    plenty = await catalog.product("RS-C", stock=10)
    scarce = await catalog.product("RS-D", stock=1)

    result = await reserve(gql, tokens, new_order(), (plenty, 2), (scarce, 3))

    assert result.codes == ["OUT_OF_STOCK"]
    assert result.errors[0]["extensions"]["items"] == [
        {"productId": scarce["id"], "requested": 3, "available": 1}
    ]
    assert (await stock_of(gql, tokens, plenty))["reserved"] == 0


async def test_reserve_of_an_unknown_product_is_not_found(gql: GraphQLClient, tokens: Tokens) -> None:
    result = await reserve(gql, tokens, new_order(), ({"id": str(uuid.uuid4())}, 1))
    assert result.codes == ["NOT_FOUND"]


async def test_reserve_of_an_inactive_product_is_refused(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    product = await catalog.product("RS-OFF", stock=5, active=False)
    result = await reserve(gql, tokens, new_order(), (product, 1))
    assert result.codes == ["NOT_FOUND"]
    assert (await stock_of(gql, tokens, product))["reserved"] == 0


async def test_reserve_refuses_non_positive_quantities(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    product = await catalog.product("RS-E", stock=5)
    result = await reserve(gql, tokens, new_order(), (product, 0))
    assert result.codes == ["BAD_USER_INPUT"]


async def test_reserve_twice_for_one_order_holds_stock_once(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    product = await catalog.product("RS-F", stock=5)
    order = new_order()

    first = (await reserve(gql, tokens, order, (product, 2))).ok()
    again = (await reserve(gql, tokens, order, (product, 2))).ok()

    assert first == again
    assert (await stock_of(gql, tokens, product))["reserved"] == 2


async def test_reserve_again_with_other_lines_is_a_conflict(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    product = await catalog.product("RS-G", stock=5)
    order = new_order()
    (await reserve(gql, tokens, order, (product, 2))).ok()

    result = await reserve(gql, tokens, order, (product, 3))

    assert result.codes == ["CONFLICT"]


async def test_only_a_service_credential_may_reserve(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    product = await catalog.product("RS-H", stock=5)
    items = [{"productId": product["id"], "quantity": 1}]

    as_customer = await gql.execute(RESERVE, {"order": new_order(), "items": items}, token=tokens.customer)
    as_admin = await gql.execute(RESERVE, {"order": new_order(), "items": items}, token=tokens.admin)
    anonymous = await gql.execute(RESERVE, {"order": new_order(), "items": items})

    assert (as_customer.codes, as_admin.codes, anonymous.codes) == (
        ["FORBIDDEN"],
        ["FORBIDDEN"],
        ["UNAUTHENTICATED"],
    )
    assert (await stock_of(gql, tokens, product))["reserved"] == 0


async def test_release_gives_stock_back_once(gql: GraphQLClient, catalog: Catalog, tokens: Tokens) -> None:
    product = await catalog.product("RL-A", stock=5)
    order = new_order()
    (await reserve(gql, tokens, order, (product, 3))).ok()

    first = await gql.execute(RELEASE, {"order": order}, token=tokens.service)
    again = await gql.execute(RELEASE, {"order": order}, token=tokens.service)

    assert first.ok() == again.ok() == {"releaseStock": {"status": "RELEASED"}}
    assert await stock_of(gql, tokens, product) == {"onHand": 5, "reserved": 0, "available": 5}


async def test_release_before_reserve_stops_a_late_reservation(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    product = await catalog.product("RL-B", stock=5)
    order = new_order()

    (await gql.execute(RELEASE, {"order": order}, token=tokens.service)).ok()
    late = await reserve(gql, tokens, order, (product, 1))

    assert late.codes == ["CONFLICT"]
    assert (await stock_of(gql, tokens, product))["reserved"] == 0


async def test_commit_turns_held_stock_into_a_sale_once(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    product = await catalog.product("CM-A", stock=5)
    order = new_order()
    (await reserve(gql, tokens, order, (product, 2))).ok()

    first = await gql.execute(COMMIT, {"order": order}, token=tokens.service)
    again = await gql.execute(COMMIT, {"order": order}, token=tokens.service)

    assert first.ok() == again.ok() == {"commitStock": {"status": "COMMITTED"}}
    assert await stock_of(gql, tokens, product) == {"onHand": 3, "reserved": 0, "available": 3}
    ledger = (await gql.execute(LEDGER, {"id": product["id"]}, token=tokens.admin)).ok()["stockMovements"]
    assert ledger[0]["kind"] == "SALE"
    assert (ledger[0]["onHandDelta"], ledger[0]["reservedDelta"]) == (-2, -2)


async def test_release_after_commit_is_a_conflict(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    product = await catalog.product("CM-B", stock=5)
    order = new_order()
    (await reserve(gql, tokens, order, (product, 2))).ok()
    (await gql.execute(COMMIT, {"order": order}, token=tokens.service)).ok()

    result = await gql.execute(RELEASE, {"order": order}, token=tokens.service)

    assert result.codes == ["CONFLICT"]
    assert await stock_of(gql, tokens, product) == {"onHand": 3, "reserved": 0, "available": 3}


async def test_commit_of_an_unknown_order_is_not_found(gql: GraphQLClient, tokens: Tokens) -> None:
    result = await gql.execute(COMMIT, {"order": new_order()}, token=tokens.service)
    assert result.codes == ["NOT_FOUND"]


async def test_concurrent_reservations_never_oversell(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    product = await catalog.product("HOT-1", stock=7)

    results = await asyncio.gather(*(reserve(gql, tokens, new_order(), (product, 1)) for _ in range(30)))

    succeeded = [r for r in results if not r.errors]
    assert len(succeeded) == 7
    assert {code for r in results if r.errors for code in r.codes} == {"OUT_OF_STOCK"}
    assert await stock_of(gql, tokens, product) == {"onHand": 7, "reserved": 7, "available": 0}


async def test_concurrent_multi_line_reservations_never_deadlock_or_oversell(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    a = await catalog.product("HOT-A", stock=10)
    b = await catalog.product("HOT-B", stock=10)

    results = await asyncio.gather(
        *(
            reserve(gql, tokens, new_order(), *([(a, 1), (b, 1)] if i % 2 else [(b, 1), (a, 1)]))
            for i in range(16)
        )
    )

    assert sum(1 for r in results if not r.errors) == 10
    assert {code for r in results for code in r.codes} <= {"OUT_OF_STOCK"}
    assert (await stock_of(gql, tokens, a))["available"] == 0
    assert (await stock_of(gql, tokens, b))["available"] == 0


async def test_concurrent_reservations_for_the_same_order_hold_stock_once(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    product = await catalog.product("HOT-2", stock=10)
    order = new_order()

    results = await asyncio.gather(*(reserve(gql, tokens, order, (product, 2)) for _ in range(8)))

    assert all(not r.errors for r in results)
    assert (await stock_of(gql, tokens, product))["reserved"] == 2


RETURN = "mutation($order: ID!) { returnStock(orderId: $order) { status } }"


async def test_return_puts_sold_stock_back_on_hand_once(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    product = await catalog.product("RT-A", stock=5)
    order = new_order()
    (await reserve(gql, tokens, order, (product, 2))).ok()
    (await gql.execute(COMMIT, {"order": order}, token=tokens.service)).ok()

    first = await gql.execute(RETURN, {"order": order}, token=tokens.service)
    again = await gql.execute(RETURN, {"order": order}, token=tokens.service)

    assert first.ok() == again.ok() == {"returnStock": {"status": "RETURNED"}}
    assert await stock_of(gql, tokens, product) == {"onHand": 5, "reserved": 0, "available": 5}
    ledger = (await gql.execute(LEDGER, {"id": product["id"]}, token=tokens.admin)).ok()["stockMovements"]
    assert (ledger[0]["kind"], ledger[0]["onHandDelta"]) == ("RETURN", 2)


async def test_return_of_held_stock_releases_it(gql: GraphQLClient, catalog: Catalog, tokens: Tokens) -> None:
    product = await catalog.product("RT-B", stock=5)
    order = new_order()
    (await reserve(gql, tokens, order, (product, 3))).ok()

    result = await gql.execute(RETURN, {"order": order}, token=tokens.service)

    assert result.ok() == {"returnStock": {"status": "RELEASED"}}
    assert await stock_of(gql, tokens, product) == {"onHand": 5, "reserved": 0, "available": 5}


async def test_return_of_an_unknown_order_blocks_a_late_reservation(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    product = await catalog.product("RT-C", stock=5)
    order = new_order()

    (await gql.execute(RETURN, {"order": order}, token=tokens.service)).ok()

    assert (await reserve(gql, tokens, order, (product, 1))).codes == ["CONFLICT"]


async def test_only_a_service_credential_may_return_stock(gql: GraphQLClient, tokens: Tokens) -> None:
    result = await gql.execute(RETURN, {"order": new_order()}, token=tokens.admin)
    assert result.codes == ["FORBIDDEN"]


async def test_a_product_deleted_after_it_was_reserved_still_settles(
    gql: GraphQLClient, catalog: Catalog, tokens: Tokens
) -> None:
    product = await catalog.product("DL-A", stock=5)
    order = new_order()
    (await reserve(gql, tokens, order, (product, 2))).ok()
    (
        await gql.execute(
            "mutation($id: ID!) { deleteProduct(id: $id) { id } }", {"id": product["id"]}, token=tokens.admin
        )
    ).ok()

    committed = await gql.execute(COMMIT, {"order": order}, token=tokens.service)
    entity = await gql.execute(
        "query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { stock { onHand reserved } } } }",
        {"r": [{"__typename": "Product", "id": product["id"]}]},
        token=tokens.admin,
    )

    assert committed.ok() == {"commitStock": {"status": "COMMITTED"}}
    assert entity.ok()["_entities"][0]["stock"] == {"onHand": 3, "reserved": 0}
