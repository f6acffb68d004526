"""`/users` as legacy clients call it."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.rest_compat.conftest import Legacy
from tests.subgraphs.users.builders import PASSWORD


async def test_register_returns_201_without_the_password(rest: httpx.AsyncClient) -> None:
    email = f"reg-{uuid.uuid4().hex[:8]}@example.com"
    body = {
        "first_name": "Grace",
        "last_name": "Hopper",
        "email": email,
        "phone": "+1 212 555 0142",
        "password": PASSWORD,
    }

    response = await rest.post("/users/register", json=body)

    assert response.status_code == 201
    user = response.json()
    assert "password" not in user
    assert set(user) == {"user_id", "first_name", "last_name", "email", "phone", "created_at", "updated_at"}
    assert (user["email"], user["phone"]) == (email, "+1 212 555 0142")


async def test_a_taken_email_is_409(rest: httpx.AsyncClient, legacy: Legacy) -> None:
    person = await legacy.customer()
    body = {"first_name": "A", "last_name": "B", "email": person.email, "password": PASSWORD}
    response = await rest.post("/users/register", json=body)
    assert (response.status_code, response.json()["code"]) == (409, "CONFLICT")


async def test_a_weak_password_or_missing_field_is_422(rest: httpx.AsyncClient) -> None:
    weak = await rest.post(
        "/users/register",
        json={"first_name": "A", "last_name": "B", "email": "x@example.com", "password": "0000000000"},
    )
    missing = await rest.post("/users/register", json={"email": "y@example.com", "password": PASSWORD})
    assert (weak.status_code, weak.json()["field"]) == (422, "password")
    assert missing.status_code == 422


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("password", "x" * 9),
        ("password", "long enough " * 11),
        ("email", "ada\u0000@example.com"),
        ("last_name", None),
    ],
    ids=["short password", "password over 128", "NUL in the email", "null last name"],
)
async def test_what_the_document_refuses_is_refused_before_any_account_is_made(
    rest: httpx.AsyncClient, field: str, value: object
) -> None:
    registration = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": f"ada-{uuid.uuid4().hex[:8]}@example.com",
        "password": PASSWORD,
        field: value,
    }
    response = await rest.post("/users/register", json=registration)
    assert (response.status_code, [problem["field"] for problem in response.json()["details"]]) == (
        422,
        [field],
    )


async def test_login_returns_the_user_and_a_token_and_refuses_a_wrong_password(
    rest: httpx.AsyncClient, legacy: Legacy
) -> None:
    person = await legacy.customer()

    good = await rest.post("/users/login", json={"email": person.email, "password": PASSWORD})
    bad = await rest.post("/users/login", json={"email": person.email, "password": "not the password"})

    assert good.status_code == 200
    assert (good.json()["user"]["user_id"], good.json()["token_type"]) == (person.user_id, "Bearer")
    assert (bad.status_code, bad.json()["code"]) == (401, "UNAUTHENTICATED")


async def test_a_user_reads_and_updates_themselves_but_not_others(
    rest: httpx.AsyncClient, legacy: Legacy
) -> None:
    ada, bob = await legacy.customer(), await legacy.customer()

    own = await rest.get(f"/users/{ada.user_id}", headers=ada.headers)
    other = await rest.get(f"/users/{ada.user_id}", headers=bob.headers)
    updated = await rest.put(f"/users/{ada.user_id}", json={"last_name": "King"}, headers=ada.headers)
    anonymous = await rest.get(f"/users/{ada.user_id}")

    assert (own.status_code, own.json()["email"]) == (200, ada.email)
    assert other.status_code == 403
    assert (updated.status_code, updated.json()["last_name"]) == (200, "King")
    assert anonymous.status_code == 401


async def test_admins_list_users_and_customers_may_not(rest: httpx.AsyncClient, legacy: Legacy) -> None:
    admin, customer = await legacy.admin(), await legacy.customer()

    as_admin = await rest.get("/users", headers=admin.headers)
    as_customer = await rest.get("/users", headers=customer.headers)

    assert as_admin.status_code == 200
    assert customer.user_id in {user["user_id"] for user in as_admin.json()}
    assert as_customer.status_code == 403


async def test_a_null_name_is_refused_and_a_null_phone_clears_it(
    rest: httpx.AsyncClient, legacy: Legacy
) -> None:
    person = await legacy.customer()
    path = f"/users/{person.user_id}"
    await rest.put(path, json={"phone": "+44 20 7946 0018"}, headers=person.headers)

    null_name = await rest.put(path, json={"last_name": None}, headers=person.headers)
    null_phone = await rest.put(path, json={"phone": None}, headers=person.headers)

    assert (null_name.status_code, null_name.json()["details"][0]["field"]) == (422, "last_name")
    assert (null_phone.status_code, null_phone.json()["phone"]) == (200, None)


async def test_a_deleted_account_reads_as_404(rest: httpx.AsyncClient, legacy: Legacy) -> None:
    person, admin = await legacy.customer(), await legacy.admin()
    path = f"/users/{person.user_id}"

    deleted = await rest.delete(path, headers=admin.headers)
    read = await rest.get(path, headers=admin.headers)

    assert (deleted.status_code, read.status_code, read.json()["code"]) == (204, 404, "NOT_FOUND")


async def test_delete_is_204_then_the_account_is_gone(rest: httpx.AsyncClient, legacy: Legacy) -> None:
    person = await legacy.customer()
    admin = await legacy.admin()

    deleted = await rest.delete(f"/users/{person.user_id}", headers=person.headers)
    login = await rest.post("/users/login", json={"email": person.email, "password": PASSWORD})
    unknown = await rest.delete(f"/users/{uuid.uuid4()}", headers=admin.headers)

    assert (deleted.status_code, login.status_code, unknown.status_code) == (204, 401, 404)
