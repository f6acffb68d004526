"""`/api/v1/orders` as legacy clients call it."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.rest_compat.conftest import Legacy, Person
from tests.support.stack import Stack

DECLINED = "4000 0000 0000 0002"


@pytest.fixture
async def stocked(stack: Stack, legacy: Legacy) -> dict[str, Any]:
    """A product made through REST (which has no stock field), restocked by an admin through GraphQL."""
    admin = await legacy.admin()
    product = await legacy.product(admin, price=20)
    restock = "mutation($id: ID!) { restockProduct(id: $id, quantity: 5) { id } }"
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(
            f"{stack.urls['router']}/graphql",
            json={"query": restock, "variables": {"id": product["product_id"]}},
            headers=admin.headers,
        )
    assert response.json().get("errors") is None, response.text
    return product


def order_of(product: dict[str, Any], quantity: int, **extra: Any) -> dict[str, Any]:
    return {"items": [{"product_id": product["product_id"], "quantity": quantity}], **extra}


async def place(rest: httpx.AsyncClient, person: Person, body: dict[str, Any]) -> httpx.Response:
    return await rest.post("/api/v1/orders", json=body, headers=person.headers)


async def test_place_and_read_back_an_order(
    rest: httpx.AsyncClient, legacy: Legacy, stocked: dict[str, Any]
) -> None:
    customer = await legacy.customer()

    placed = await place(rest, customer, order_of(stocked, 2))
    order = placed.json()
    fetched = await rest.get(f"/api/v1/orders/{order['order_id']}", headers=customer.headers)
    mine = await rest.get("/api/v1/orders", headers=customer.headers)

    assert placed.status_code == 201
    assert (order["user_id"], order["status"], order["total_amount"]) == (customer.user_id, "confirmed", 40.0)
    assert order["items"] == [
        {
            "order_item_id": f"{order['order_id']}:{stocked['product_id']}",
            "order_id": order["order_id"],
            "product_id": stocked["product_id"],
            "quantity": 2,
            "price": 20.0,
        }
    ]
    assert fetched.json() == order
    assert [o["order_id"] for o in mine.json()] == [order["order_id"]]


async def test_the_same_idempotency_key_places_one_order(
    rest: httpx.AsyncClient, legacy: Legacy, stocked: dict[str, Any]
) -> None:
    customer = await legacy.customer()
    headers = {**customer.headers, "idempotency-key": uuid.uuid4().hex}

    first = await rest.post("/api/v1/orders", json=order_of(stocked, 1), headers=headers)
    again = await rest.post("/api/v1/orders", json=order_of(stocked, 1), headers=headers)

    assert first.json()["order_id"] == again.json()["order_id"]


async def test_a_declined_card_is_402(
    rest: httpx.AsyncClient, legacy: Legacy, stocked: dict[str, Any]
) -> None:
    customer = await legacy.customer()
    response = await place(rest, customer, order_of(stocked, 1, card_number=DECLINED))
    assert (response.status_code, response.json()["reason"]) == (402, "CARD_DECLINED")


async def test_too_much_is_409_and_an_unknown_product_404(
    rest: httpx.AsyncClient, legacy: Legacy, stocked: dict[str, Any]
) -> None:
    customer = await legacy.customer()

    too_much = await place(rest, customer, order_of(stocked, 50))
    unknown = await place(rest, customer, order_of({"product_id": str(uuid.uuid4())}, 1))

    assert (too_much.status_code, too_much.json()["code"]) == (409, "OUT_OF_STOCK")
    assert unknown.status_code == 404


async def test_orders_need_a_sign_in_and_stay_private(
    rest: httpx.AsyncClient, legacy: Legacy, stocked: dict[str, Any]
) -> None:
    ada, bob = await legacy.customer(), await legacy.customer()
    order = (await place(rest, ada, order_of(stocked, 1))).json()

    anonymous = await rest.get("/api/v1/orders")
    as_bob = await rest.get(f"/api/v1/orders/{order['order_id']}", headers=bob.headers)
    bobs_list = await rest.get("/api/v1/orders", headers=bob.headers)

    assert anonymous.status_code == 401
    assert as_bob.status_code == 404
    assert bobs_list.json() == []


async def test_admins_page_through_every_order(
    rest: httpx.AsyncClient, legacy: Legacy, stocked: dict[str, Any]
) -> None:
    admin, customer = await legacy.admin(), await legacy.customer()
    placed = [(await place(rest, customer, order_of(stocked, 1))).json()["order_id"] for _ in range(3)]

    first = await rest.get("/api/v1/orders", params={"limit": 2, "offset": 0}, headers=admin.headers)
    second = await rest.get("/api/v1/orders", params={"limit": 2, "offset": 2}, headers=admin.headers)

    newest_first = [o["order_id"] for o in first.json()] + [o["order_id"] for o in second.json()]
    assert newest_first[:3] == list(reversed(placed))


async def test_limit_and_bodies_are_checked(rest: httpx.AsyncClient, legacy: Legacy) -> None:
    customer = await legacy.customer()

    too_many = await rest.get("/api/v1/orders", params={"limit": 101}, headers=customer.headers)
    zero = await place(rest, customer, {"items": [{"product_id": str(uuid.uuid4()), "quantity": 0}]})
    empty = await place(rest, customer, {"items": []})

    assert (too_many.status_code, zero.status_code, empty.status_code) == (422, 422, 422)
