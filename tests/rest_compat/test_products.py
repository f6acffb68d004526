"""`/products` as legacy clients call it: paths, field names, status codes and JSON errors."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.rest_compat.conftest import Legacy


async def test_create_returns_201_with_the_documented_fields(rest: httpx.AsyncClient, legacy: Legacy) -> None:
    admin = await legacy.admin()
    body = {
        "name": "Desk Lamp",
        "description": "Warm light",
        "price": 39.9,
        "category": "books",
        "image_url": None,
    }
    categories = await rest.get("/products")  # a seeded catalogue is not assumed; create a category-free one
    assert categories.status_code == 200

    response = await rest.post("/products", json={**body, "category": None}, headers=admin.headers)

    assert response.status_code == 201
    created = response.json()
    assert set(created) == {"product_id", "name", "description", "price", "category", "image_url"}
    assert (created["name"], created["price"], created["category"]) == ("Desk Lamp", 39.9, None)
    uuid.UUID(created["product_id"])


async def test_list_get_update_and_delete(rest: httpx.AsyncClient, legacy: Legacy) -> None:
    admin = await legacy.admin()
    product = await legacy.product(admin, name="Old name")

    listed = await rest.get("/products", params={"limit": 200})
    fetched = await rest.get(f"/products/{product['product_id']}")
    updated = await rest.put(
        f"/products/{product['product_id']}", json={"name": "New name", "price": 12}, headers=admin.headers
    )
    deleted = await rest.delete(f"/products/{product['product_id']}", headers=admin.headers)
    gone = await rest.get(f"/products/{product['product_id']}")

    assert product["product_id"] in {p["product_id"] for p in listed.json()}
    assert fetched.json() == product
    assert (updated.status_code, updated.json()["name"], updated.json()["price"]) == (200, "New name", 12.0)
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert (gone.status_code, gone.json()["error"]) == (404, "There is no such product.")


@pytest.mark.parametrize("path", ["/products/not-a-uuid", f"/products/{uuid.uuid4()}"])
async def test_an_unknown_product_is_404_with_a_json_error(rest: httpx.AsyncClient, path: str) -> None:
    response = await rest.get(path)
    assert response.status_code == 404
    assert response.json()["error"]


async def test_writing_without_a_token_is_401_and_as_a_customer_403(
    rest: httpx.AsyncClient, legacy: Legacy
) -> None:
    customer = await legacy.customer()

    anonymous = await rest.post("/products", json={"name": "X", "price": 1})
    as_customer = await rest.post("/products", json={"name": "X", "price": 1}, headers=customer.headers)

    assert (anonymous.status_code, as_customer.status_code) == (401, 403)
    assert anonymous.json()["error"]
    assert as_customer.json()["error"]


@pytest.mark.parametrize(
    "body",
    [
        {"price": 1},
        {"name": "X", "price": -1},
        {"name": "X", "price": "cheap"},
        {"name": "X", "price": 1.005},
    ],
)
async def test_a_bad_body_is_422_with_a_json_error(
    rest: httpx.AsyncClient, legacy: Legacy, body: dict[str, object]
) -> None:
    admin = await legacy.admin()
    response = await rest.post("/products", json=body, headers=admin.headers)
    assert response.status_code == 422
    assert response.json()["error"]


async def test_an_unknown_category_is_409(rest: httpx.AsyncClient, legacy: Legacy) -> None:
    admin = await legacy.admin()
    response = await rest.post(
        "/products", json={"name": "X", "price": 1, "category": "No such"}, headers=admin.headers
    )
    body = response.json()
    assert (response.status_code, body["code"], body["field"]) == (409, "CONFLICT", "category")


async def test_an_unknown_category_from_a_customer_is_403(rest: httpx.AsyncClient, legacy: Legacy) -> None:
    customer = await legacy.customer()
    response = await rest.post(
        "/products", json={"name": "X", "price": 1, "category": "No such"}, headers=customer.headers
    )
    assert response.status_code == 403


@pytest.mark.parametrize("price", ["", "cheap", "-0", "1e2"])
async def test_a_price_string_that_is_no_decimal_in_cents_is_422(
    rest: httpx.AsyncClient, legacy: Legacy, price: str
) -> None:
    admin = await legacy.admin()
    response = await rest.post("/products", json={"name": "X", "price": price}, headers=admin.headers)
    assert (response.status_code, response.json()["details"][0]["field"]) == (422, "price")


async def test_a_price_may_be_a_decimal_string(rest: httpx.AsyncClient, legacy: Legacy) -> None:
    admin = await legacy.admin()
    response = await rest.post("/products", json={"name": "X", "price": "129.99"}, headers=admin.headers)
    assert (response.status_code, response.json()["price"]) == (201, 129.99)


async def test_writing_without_a_token_is_401_whatever_the_id_or_body(rest: httpx.AsyncClient) -> None:
    unknown = f"/products/{uuid.uuid4()}"

    created = await rest.post("/products", json={"name": "", "price": "cheap", "category": "No such"})
    replaced = await rest.put(unknown, json={"price": -1})
    deleted = await rest.delete(unknown)

    assert (created.status_code, replaced.status_code, deleted.status_code) == (401, 401, 401)


async def test_updating_or_deleting_an_unknown_product_is_404(
    rest: httpx.AsyncClient, legacy: Legacy
) -> None:
    admin = await legacy.admin()
    missing = f"/products/{uuid.uuid4()}"

    updated = await rest.put(missing, json={"name": "X", "price": 1}, headers=admin.headers)
    deleted = await rest.delete(missing, headers=admin.headers)

    assert (updated.status_code, deleted.status_code) == (404, 404)


async def test_an_unknown_route_is_a_json_404(rest: httpx.AsyncClient) -> None:
    response = await rest.get("/nothing-here")
    assert (response.status_code, response.json()) == (404, {"error": "Not Found"})
